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
    /// certificate is its own, which this browser has no reason to trust.</summary>
    public async Task<IPage> OpenAsync(string url)
    {
        var context = await _browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 760 } });
        var page = await context.NewPageAsync();
        // Chromium aborts a load when it sees the host's links or addresses change (ERR_NETWORK_CHANGED), which the
        // engine tests running alongside do: that is the browser's, not the page's; the load is tried again. Chromium
        // may also report it as the navigation interrupted by its own error page (chrome-error://chromewebdata/).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.GotoAsync(url);
                return page;
            }
            catch (PlaywrightException e) when (attempt < 3 && (e.Message.Contains("ERR_NETWORK_CHANGED", StringComparison.Ordinal)
                || e.Message.Contains("interrupted by another navigation to \"chrome-error://", StringComparison.Ordinal))) { }
        }
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
