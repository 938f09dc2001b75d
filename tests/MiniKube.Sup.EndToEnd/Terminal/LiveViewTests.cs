using System.Text.RegularExpressions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Terminal;

/// <summary>`sup run` and `sup top` on a real terminal (tmux): the live view while it runs, and the terminal exactly
/// as it was after every way out — Ctrl+C, SIGTERM, q — and after a SIGKILL, nothing the next prompt would suffer from.</summary>
public sealed class LiveViewTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-live-").FullName;
    private string StateDir => Path.Combine(_dir, "state");
    private string Manifest => Path.Combine(_dir, "supervisor.yaml");
    private TmuxSession _tmux = null!;

    private const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ticker
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: loop
              command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: app
              command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo served $i; sleep 0.5; done"]
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Manifest, Stack);
        _tmux = await TmuxSession.StartAsync(_dir);
    }

    public async Task DisposeAsync()
    {
        try { await _tmux.DisposeAsync(); }
        finally
        {
            await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string RunCommand => $"{Binaries.Sup} run -f {Manifest} --state-dir {StateDir}; echo \"sup exited $?\"";

    private static bool HasTable(string[] screen) =>
        screen.Any(l => Regex.IsMatch(l, @"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+LAST EVENT$"))
        && screen.Any(l => Regex.IsMatch(l, @"^ticker\s+1/1\s+Running\s+0\s+\S+\s+Started: Started container loop"))
        && screen.Any(l => Regex.IsMatch(l, @"^web\s+1/1\s+Running\s+0\s+"))
        && screen.Any(l => l.StartsWith(" sup · 2 pods: 2 Running · restarts 0 · logs: all pods", StringComparison.Ordinal));

    /// <summary>The screen once sup has exited: the stop's lines in order, then "sup exited CODE" at the start of a
    /// line (a cursor left mid-line would have put it after other text), then the prompt, and no table.</summary>
    private async Task<string[]> AssertStoppedCleanlyAsync(string exit)
    {
        var after = await _tmux.WaitForScreenAsync(s => s.Length >= 2 && s[^1] == TmuxSession.Prompt && s[^2] == $"sup exited {exit}", "sup's exit and the prompt");
        var stopping = Array.FindIndex(after, l => l.EndsWith("INF stopping: terminating all pods", StringComparison.Ordinal));
        var stopped = Array.FindIndex(after, l => l.EndsWith("INF all pods stopped", StringComparison.Ordinal));
        Assert.True(stopping >= 0 && stopped > stopping, string.Join("\n", after));
        Assert.Equal(after.Length - 3, stopped); // the last line sup printed, right above "sup exited"
        Assert.DoesNotContain(after, l => l.StartsWith(" sup ", StringComparison.Ordinal) || l.StartsWith("NAME ", StringComparison.Ordinal));
        Assert.Equal((2, after.Length - 1), await _tmux.CursorAsync()); // after "$ ", on the prompt's line
        return after;
    }

    [Fact]
    public async Task Ctrl_C_leaves_the_stop_lines_the_prompt_on_a_clean_line_and_the_terminal_as_it_was()
    {
        var modes = await _tmux.ModesAsync();
        var stty = await _tmux.SttyAsync();
        await _tmux.TypeAsync(RunCommand);
        var before = await _tmux.WaitForScreenAsync(HasTable, "the live table");
        Assert.Contains(before, l => l.StartsWith("ticker/loop | tick ", StringComparison.Ordinal));
        // While it runs the table is the bottom block, the logs above it; the terminal's modes are untouched.
        Assert.StartsWith(" sup · ", before[^1]);
        Assert.Equal(modes, await _tmux.ModesAsync());

        await _tmux.KeysAsync("C-c");
        await AssertStoppedCleanlyAsync("0");
        Assert.Equal(modes, await _tmux.ModesAsync());
        Assert.Equal(stty, await _tmux.SttyAsync()); // echo and line editing (icanon) back, as every other setting
    }

    [Fact]
    public async Task SIGTERM_leaves_the_stop_lines_the_prompt_on_a_clean_line_and_the_terminal_as_it_was()
    {
        var modes = await _tmux.ModesAsync();
        var stty = await _tmux.SttyAsync();
        await _tmux.TypeAsync(RunCommand);
        await _tmux.WaitForScreenAsync(HasTable, "the live table");
        Native.kill(await _tmux.ForegroundChildAsync(), Native.SIGTERM);
        await AssertStoppedCleanlyAsync("0");
        Assert.Equal(modes, await _tmux.ModesAsync());
        Assert.Equal(stty, await _tmux.SttyAsync());
    }

    [Fact]
    public async Task Q_stops_as_Ctrl_C_does()
    {
        var stty = await _tmux.SttyAsync();
        await _tmux.TypeAsync(RunCommand);
        await _tmux.WaitForScreenAsync(HasTable, "the live table");
        await _tmux.KeysAsync("q");
        await AssertStoppedCleanlyAsync("0");
        Assert.Equal(stty, await _tmux.SttyAsync());
    }

    [Fact]
    public async Task After_a_SIGKILL_the_prompt_starts_a_line_below_the_stale_table_and_no_mode_is_left_set()
    {
        var modes = await _tmux.ModesAsync();
        var stty = await _tmux.SttyAsync();
        await _tmux.TypeAsync(RunCommand);
        await _tmux.WaitForScreenAsync(HasTable, "the live table");
        Native.kill(await _tmux.ForegroundChildAsync(), Native.SIGKILL);
        // bash says "Killed" where the cursor was: at the start of the line below the table.
        var after = await _tmux.WaitForScreenAsync(s => s.Length >= 3 && s[^1] == TmuxSession.Prompt && s[^2] == "sup exited 137", "the prompt after the kill");
        Assert.Equal("Killed", after[^3]);
        Assert.StartsWith(" sup · 2 pods", after[^4]); // the table stays in the scrollback, stale
        Assert.Equal((2, after.Length - 1), await _tmux.CursorAsync());
        Assert.Equal(modes, await _tmux.ModesAsync()); // no scroll region, cursor shown, keypad as it was
        Assert.Equal(stty, await _tmux.SttyAsync()); // bash restores a killed job's terminal settings

        // What the killed daemon left running, the next run adopts (and this one is stopped in order). It is stopped
        // once it has taken both pods back: what they wrote meanwhile comes out first, and would push the stop's first
        // line off the screen if the stop came in the middle of it.
        await _tmux.TypeAsync(RunCommand);
        await _tmux.WaitForScreenAsync(s => HasTable(s) && s.Count(l => l.Contains(" adopted (pid ", StringComparison.Ordinal)) == 2, "the live table of the second run, both pods adopted");
        await _tmux.KeysAsync("C-c");
        await AssertStoppedCleanlyAsync("0");
    }

    [Fact]
    public async Task A_start_that_fails_after_the_view_is_drawn_says_why_on_a_clean_line_and_leaves_the_terminal_as_it_was()
    {
        // The API's port is taken: Kestrel's bind fails after the live view has drawn its table (hosted services
        // start before the server), and before any pod runs.
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var modes = await _tmux.ModesAsync();
        var stty = await _tmux.SttyAsync();
        var output = Path.Combine(_dir, "pane-output");
        await _tmux.RecordAsync(output);

        await _tmux.TypeAsync($"{Binaries.Sup} run -f {Manifest} --state-dir {StateDir} --listen 127.0.0.1:{port}; echo \"sup exited $?\"");
        var after = await _tmux.WaitForScreenAsync(s => s.Length >= 2 && s[^1] == TmuxSession.Prompt && s[^2] == "sup exited 3", "sup's exit and the prompt");
        Assert.StartsWith("sup: cannot start: ", after[^3]);
        Assert.Contains("address already in use", after[^3], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(after, l => l.StartsWith(" sup ", StringComparison.Ordinal) || l.StartsWith("NAME ", StringComparison.Ordinal));
        Assert.Equal((2, after.Length - 1), await _tmux.CursorAsync()); // after "$ ", on the prompt's line
        Assert.Equal(modes, await _tmux.ModesAsync());
        Assert.Equal(stty, await _tmux.SttyAsync());
        // The table was drawn (and erased again): the failure came while the view held the terminal.
        Assert.Contains(" sup · 0 pods", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Keys_pause_the_logs_and_show_one_pod()
    {
        await _tmux.TypeAsync(RunCommand);
        await _tmux.WaitForScreenAsync(HasTable, "the live table");

        // p: nothing more is printed above the table, the lines are held (and counted) until p again.
        await _tmux.KeysAsync("p");
        var paused = await _tmux.WaitForScreenAsync(s => s.Any(l => Regex.IsMatch(l, @"logs: all pods, PAUSED \([1-9]\d* held\)")), "the logs paused");
        var last = LastTick(paused);
        await _tmux.WaitForScreenAsync(s => s.Any(l => Regex.IsMatch(l, @"PAUSED \((1\d|[2-9]\d|\d{3,}) held\)")), "ten lines held");
        Assert.Equal(last, LastTick(await _tmux.ScreenAsync()));
        await _tmux.KeysAsync("p");
        var resumed = await _tmux.WaitForScreenAsync(s => LastTick(s) > last + 5 && s.Any(l => l.Contains("logs: all pods · ", StringComparison.Ordinal)), "the logs resumed");
        // The held lines come first: no tick is missing.
        var ticks = resumed.Select(TickOf).Where(t => t > 0).ToList();
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Count), ticks);

        // f: only the first pod's lines (by name: ticker) until f cycles past the last pod.
        await _tmux.KeysAsync("f");
        var filtered = await _tmux.WaitForScreenAsync(s => s.Any(l => l.Contains("logs: ticker only · ", StringComparison.Ordinal)), "the ticker filter");
        var from = LastTick(filtered) + 3; // lines that may have been on their way when the key was read
        var later = await _tmux.WaitForScreenAsync(s => LastTick(s) > from + 10, "ten more ticks");
        var start = Array.FindIndex(later, l => TickOf(l) == from);
        Assert.True(start >= 0, string.Join("\n", later));
        Assert.DoesNotContain(later.Skip(start), l => l.StartsWith("web/app |", StringComparison.Ordinal));
        await _tmux.KeysAsync("f");
        await _tmux.WaitForScreenAsync(s => s.Any(l => l.Contains("logs: web only · ", StringComparison.Ordinal)), "the web filter");
        await _tmux.KeysAsync("f");
        await _tmux.WaitForScreenAsync(s => s.Any(l => l.Contains("logs: all pods · ", StringComparison.Ordinal)), "all pods again");

        await _tmux.KeysAsync("C-c");
        await AssertStoppedCleanlyAsync("0");
    }

    [Fact]
    public async Task Top_has_a_header_sorts_by_key_and_q_or_Ctrl_C_give_the_terminal_back()
    {
        await using var daemon = new SupDaemon(Stack);
        await daemon.StartAsync();
        await daemon.WaitForPodAsync("ticker");
        await daemon.WaitForPodAsync("web");
        var modes = await _tmux.ModesAsync();
        var stty = await _tmux.SttyAsync();
        await _tmux.TypeAsync($"sup={Binaries.Sup}; clear");
        await _tmux.WaitForScreenAsync(s => s is [TmuxSession.Prompt], "the prompt");
        await _tmux.TypeAsync("echo before top");
        var top = $"$sup top --interval 0.5 --state-dir {daemon.StateDir}; echo \"top exited $?\""; // one line of the screen
        await _tmux.TypeAsync(top);
        var shown = await _tmux.WaitForScreenAsync(s => s.Length > 3 && s[0].StartsWith("sup top - ", StringComparison.Ordinal) && s.Any(l => l.StartsWith("web", StringComparison.Ordinal)), "top's view");
        Assert.Matches(@"^sup top - \d\d:\d\d:\d\d · 2 pods, \d+ process(es)? · CPU \d+\.\d% · RSS \S+ · sorted by cpu$", shown[0]);
        Assert.Equal("keys: c cpu · m memory · n name · q quit", shown[1]);
        Assert.Matches(@"^POD/CONTAINER/PID\s+PPID\s+ROLE\s+USER\s+STATE\s+CPU%\s+RSS\s+COMMAND$", shown[2]);
        Assert.Equal("1", await _tmux.DisplayAsync("#{alternate_on}"));

        await _tmux.KeysAsync("n");
        var byName = await _tmux.WaitForScreenAsync(s => s[0].EndsWith("sorted by name", StringComparison.Ordinal), "sorted by name");
        Assert.True(Array.IndexOf(byName, "ticker") < Array.IndexOf(byName, "web"), string.Join("\n", byName));
        await _tmux.KeysAsync("m");
        await _tmux.WaitForScreenAsync(s => s[0].EndsWith("sorted by memory", StringComparison.Ordinal), "sorted by memory");

        await _tmux.KeysAsync("q");
        // The main screen again, as it was: what was typed before top, then top's exit, then the prompt.
        var after = await _tmux.WaitForScreenAsync(s => s.Length >= 2 && s[^1] == TmuxSession.Prompt && s[^2] == "top exited 0", "top's exit");
        Assert.Equal(["$ echo before top", "before top", "$ " + top, "top exited 0", TmuxSession.Prompt], after);
        Assert.Equal(modes, await _tmux.ModesAsync());
        Assert.Equal(stty, await _tmux.SttyAsync());

        await _tmux.TypeAsync(top);
        await _tmux.WaitForScreenAsync(s => s.Length > 0 && s[0].StartsWith("sup top - ", StringComparison.Ordinal), "top's view again");
        await _tmux.KeysAsync("C-c");
        await _tmux.WaitForScreenAsync(s => s.Length >= 2 && s[^1] == TmuxSession.Prompt && s[^2] == "top exited 0", "top's exit after Ctrl+C");
        Assert.Equal(modes, await _tmux.ModesAsync());
        Assert.Equal(stty, await _tmux.SttyAsync());
        Assert.Equal(0, await daemon.StopAsync());
    }

    private static int TickOf(string line) =>
        Regex.Match(line, @"^ticker/loop \| tick (\d+)$") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;

    private static int LastTick(string[] screen) => screen.Select(TickOf).DefaultIfEmpty(0).Max();
}
