using Microsoft.Playwright;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Dashboard;

/// <summary>Debian's headless chromium (/usr/bin/chromium: no browser is downloaded) driven by Playwright. Every
/// process of this browser carries a marker in its environment; disposing closes the browser and the Playwright
/// driver and asserts that neither the driver nor any chromium process of this browser is left.</summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private const string MarkerVariable = "SUP_TEST_BROWSER";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _marker;

    private Chromium(IPlaywright playwright, IBrowser browser, string marker)
    {
        _playwright = playwright;
        _browser = browser;
        _marker = marker;
    }

    public static async Task<Chromium> LaunchAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (.ci/run installs it)");
        var marker = Guid.NewGuid().ToString("N");
        // Playwright's env replaces the browser's environment: ours, and the marker.
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        env[MarkerVariable] = marker;
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Env = env });
            var chromium = new Chromium(playwright, browser, marker);
            // The check at the end finds what it looks for: the browser's processes carry the marker, the driver is ours.
            var running = chromium.Left();
            Assert.True(running.Count(p => p.Contains("chrom", StringComparison.Ordinal)) > 0 && running.Any(p => p.EndsWith(" playwright driver", StringComparison.Ordinal)),
                "the browser's processes are not found by their marker: " + string.Join(", ", running));
            return chromium;
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page in a context of its own (its own sessionStorage), at <paramref name="url"/>. The daemon's
    /// certificate is its own, which this browser has no reason to trust. <paramref name="beforeLoad"/> sees the page
    /// before it loads (to route its requests).</summary>
    public async Task<IPage> OpenAsync(string url, Func<IPage, Task>? beforeLoad = null)
    {
        var context = await _browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 760 } });
        var page = await context.NewPageAsync();
        if (beforeLoad is not null) await beforeLoad(page);
        // Chromium aborts a load when it sees the host's links or addresses change (ERR_NETWORK_CHANGED), which the
        // engine tests running alongside do: that is the browser's, not the page's; the load is tried again. Chromium
        // may also report it as the navigation interrupted by its own error page (chrome-error://chromewebdata/) or by
        // its own retry of the same address.
        // The same change can abort one of the page's own files (its script, its style sheet) while the page itself
        // loads: the page then asks for a reload (A_page_whose_script_did_not_load_says_to_reload_it_...), and this
        // reloads it. A reload, not a second goto: the address differs from the page's at most in its fragment.
        var filesLost = 0;
        void OnRequestFailed(object? sender, IRequest request)
        {
            if (request.ResourceType is "script" or "stylesheet" && request.Failure?.Contains("ERR_NETWORK_CHANGED", StringComparison.Ordinal) == true)
                Interlocked.Increment(ref filesLost);
        }
        page.RequestFailed += OnRequestFailed;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await page.GotoAsync(url);
                    break;
                }
                catch (PlaywrightException e) when (attempt < 4 && (e.Message.Contains("ERR_NETWORK_CHANGED", StringComparison.Ordinal)
                    || e.Message.Contains("is interrupted by another navigation to \"", StringComparison.Ordinal))) { }
            }
            for (var attempt = 1; attempt < 3 && Interlocked.Exchange(ref filesLost, 0) > 0; attempt++) await page.ReloadAsync();
        }
        finally { page.RequestFailed -= OnRequestFailed; }
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _browser.CloseAsync(); }
        finally { _playwright.Dispose(); }
        var left = Left();
        for (var i = 0; i < 300 && left.Count > 0; i++)
        {
            await Task.Delay(100);
            left = Left();
        }
        Assert.True(left.Count == 0, "left behind by the browser: " + string.Join(", ", left));
    }

    /// <summary>This browser's processes (by the marker) and this test process's Playwright drivers (its node).</summary>
    private List<string> Left()
    {
        var left = new List<string>();
        foreach (var p in ProcFs.Snapshot())
        {
            if (ProcFs.ReadEnvironmentVariable(p.Pid, MarkerVariable) == _marker) left.Add($"{p.Pid} {p.Comm}");
            else if (p.Ppid == Environment.ProcessId && ProcFs.ReadCommandLine(p.Pid).Contains(".playwright", StringComparison.Ordinal)) left.Add($"{p.Pid} playwright driver");
        }
        return left;
    }
}
