using System.Diagnostics;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Terminal;

/// <summary>
/// A real terminal for a test: a detached tmux server of its own (a socket named for the test, no user config) with
/// one 120×40 pane running an interactive bash whose prompt is <c>$ </c>. Keys are sent as a user types them; the
/// screen is read with capture-pane, the terminal's modes with tmux's format variables and with <c>stty -g</c> run in
/// the pane. Disposing kills the server and checks that it is gone.
/// </summary>
internal sealed class TmuxSession : IAsyncDisposable
{
    public const string Prompt = "$";
    private readonly string _socket = "sup-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _dir;
    private int _server;

    private TmuxSession(string dir) => _dir = dir;

    /// <summary>The terminal's modes tmux tracks: everything a program could leave set that the next one would see.</summary>
    public const string ModesFormat = "cursor=#{cursor_flag} keypad=#{keypad_flag} cursor-keys=#{keypad_cursor_flag} " +
        "alternate=#{alternate_on} scroll-region=#{scroll_region_upper}-#{scroll_region_lower} origin=#{origin_flag} " +
        "insert=#{insert_flag} wrap=#{wrap_flag} mouse=#{mouse_any_flag} bracketed-paste=#{bracketed_paste}";

    public static async Task<TmuxSession> StartAsync(string dir)
    {
        var session = new TmuxSession(dir);
        // NO_COLOR unset: the view is tested as a user sees it, colours included.
        await session.TmuxAsync("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", "t",
            "env -u NO_COLOR bash --norc --noprofile -i");
        session._server = int.Parse((await session.TmuxAsync("display", "-p", "-t", "t", "#{pid}")).Trim());
        await session.TypeAsync("PS1='$ '; clear");
        await session.WaitForScreenAsync(lines => lines is [Prompt], "a clear screen with the prompt");
        return session;
    }

    /// <summary>The pid of bash in the pane (what it runs are its children).</summary>
    public async Task<int> ShellPidAsync() => int.Parse((await TmuxAsync("display", "-p", "-t", "t", "#{pane_pid}")).Trim());

    /// <summary>The process the shell runs in the foreground (e.g. sup-daemon, which sup became).</summary>
    public async Task<int> ForegroundChildAsync()
    {
        var shell = await ShellPidAsync();
        var child = 0;
        await Poll.Until(() => (child = ProcFs.Snapshot().FirstOrDefault(p => p.Ppid == shell).Pid) > 0, "the shell's child");
        return child;
    }

    /// <summary>Types <paramref name="line"/> and Enter.</summary>
    public async Task TypeAsync(string line)
    {
        await TmuxAsync("send-keys", "-t", "t", "-l", line);
        await TmuxAsync("send-keys", "-t", "t", "Enter");
    }

    /// <summary>Keys by tmux's names (C-c, q, Enter).</summary>
    public Task KeysAsync(params string[] keys) => TmuxAsync(["send-keys", "-t", "t", .. keys]);

    /// <summary>The visible screen, its lines without trailing blanks, trailing empty lines dropped.</summary>
    public async Task<string[]> ScreenAsync()
    {
        var lines = (await TmuxAsync("capture-pane", "-p", "-t", "t")).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return [.. lines];
    }

    public async Task<string[]> WaitForScreenAsync(Func<string[], bool> condition, string what, double seconds = 30)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var screen = await ScreenAsync();
            if (condition(screen)) return screen;
            if (deadline.Elapsed.TotalSeconds > seconds)
                throw new TimeoutException($"timed out after {seconds} s waiting for {what}; the screen:\n{string.Join("\n", screen)}");
            await Task.Delay(100);
        }
    }

    public async Task<string> DisplayAsync(string format) => (await TmuxAsync("display", "-p", "-t", "t", format)).TrimEnd('\n');

    public Task<string> ModesAsync() => DisplayAsync(ModesFormat);

    /// <summary>From now on every byte the pane's programs write is appended to <paramref name="file"/> too (tmux
    /// pipe-pane): what a program drew and erased again, which the screen no longer shows.</summary>
    public Task RecordAsync(string file) => TmuxAsync("pipe-pane", "-t", "t", "-o", $"cat >> '{file}'");

    /// <summary>The cursor's column and row.</summary>
    public async Task<(int X, int Y)> CursorAsync()
    {
        var parts = (await DisplayAsync("#{cursor_x} #{cursor_y}")).Split(' ');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }

    /// <summary>The pane's terminal settings as <c>stty -g</c> prints them, run in the pane (at a prompt).</summary>
    public async Task<string> SttyAsync()
    {
        var file = Path.Combine(_dir, $"stty-{Guid.NewGuid():N}");
        await TypeAsync($"stty -g > {file}; clear");
        await Poll.Until(() => File.Exists(file) && File.ReadAllText(file).EndsWith('\n'), "stty's output", 30);
        await WaitForScreenAsync(lines => lines is [Prompt], "the prompt after stty");
        return File.ReadAllText(file).Trim();
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var (code, output, error) = await SupDaemon.Run("tmux", ["-L", _socket, .. args]);
        Assert.True(code == 0, $"tmux {string.Join(' ', args)}: exit {code}: {error}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        await SupDaemon.Run("tmux", ["-L", _socket, "kill-server"]);
        // The server is a daemon: reparented to this test host (a subreaper), it may stay a zombie until reaped.
        if (_server > 0) await Poll.Until(() => Leftovers.IsGone(_server) || (ProcFs.TryRead(_server, out var p) && p.IsZombie), "the tmux server gone");
    }
}
