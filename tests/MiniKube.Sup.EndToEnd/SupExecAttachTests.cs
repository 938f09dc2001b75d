namespace MiniKube.Sup.EndToEnd;

/// <summary>sup exec and sup attach, the client's own kubectl exec and attach over the daemon's socket: the same
/// WebSocket protocol, kubectl's flags, the remote command's exit code, the user's terminal restored.</summary>
public sealed class SupExecAttachTests
{
    private static Task<(int Code, string Out, string Err)> Sup(SupDaemon d, params string[] args) =>
        SupDaemon.Run("sh", ["-c", "\"$@\"", "sh", Binaries.Sup, .. args], new() { ["SUP_STATE_DIR"] = d.StateDir });

    private static Task<(int Code, string Out, string Err)> Shell(SupDaemon d, string script) =>
        SupDaemon.Run("sh", ["-c", script], new() { ["SUP_STATE_DIR"] = d.StateDir, ["SUP"] = Binaries.Sup });

    [Fact]
    public async Task Sup_exec_runs_the_command_with_its_streams_and_exits_with_its_code()
    {
        await using var d = new SupDaemon(KubectlExecTests.Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("box");
        var (code, output, err) = await Sup(d, "exec", "box", "-c", "app", "--", "sh", "-c", "echo $GREETING; echo oops >&2; exit 3");
        Assert.Equal(3, code);
        Assert.Equal("hello-from-env\n", output);
        Assert.Contains("oops", err);
        Assert.Contains("command terminated with exit code 3", err);

        var (piped, echoed, _) = await Shell(d, "printf 'line one\\nline two\\n' | \"$SUP\" exec -i box -c app -- cat");
        Assert.Equal((0, "line one\nline two\n"), (piped, echoed));

        var (defaulted, _, which) = await Sup(d, "exec", "pod/box", "--", "true");
        Assert.Equal(0, defaulted);
        Assert.Contains("Defaulted container \"app\" out of: app, side", which);

        var (missing, _, why) = await Sup(d, "exec", "box", "-c", "app", "--", "no-such-program");
        Assert.Equal(1, missing);
        Assert.Contains("executable file not found", why);

        var (nocontainer, _, said) = await Sup(d, "exec", "box", "-c", "nope", "--", "true");
        Assert.Equal(1, nocontainer);
        Assert.Contains("container nope not found in pod box", said);
    }

    [Fact]
    public async Task Sup_exec_with_a_TTY_runs_on_a_terminal_of_the_users_size_and_restores_the_users_terminal()
    {
        await using var d = new SupDaemon(KubectlExecTests.Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("box");
        var (code, output, err) = await Shell(d, "script -qec 'stty cols 101 rows 33; before=$(stty -g); \"$SUP\" exec -it box -c app -- sh -c \"tty; stty size; exit 4\"; echo \"exit=$?\"; [ \"$(stty -g)\" = \"$before\" ] && echo restored' /dev/null");
        Assert.True(code == 0, $"{code} {output} {err}");
        Assert.Matches(@"/dev/pts/\d+\r?\n", output);
        Assert.Contains("33 101", output);
        Assert.Contains("exit=4", output);
        Assert.Contains("restored", output);
    }

    [Fact]
    public async Task Sup_attach_follows_the_container_and_feeds_its_stdin()
    {
        await using var d = new SupDaemon(KubectlAttachTests.Stack);
        await d.StartAsync();
        foreach (var pod in new[] { "ticker", "echo" }) await d.WaitForPodAsync(pod);
        var (code, output, err) = await Shell(d, "printf 'one\\ntwo\\n' | \"$SUP\" attach -i echo");
        Assert.True(code == 0, $"{code} {err}");
        Assert.Contains("got: one\nerr: one\ngot: two\nerr: two\nstdin closed\n", output);
        await d.WaitForPodAsync("echo", "Failed");

        var (stopped, ticks, _) = await Shell(d, "timeout 5 \"$SUP\" attach ticker"); // the client starts, connects, then follows
        Assert.Equal(124, stopped);
        Assert.Matches(@"tick \d+\ntick \d+\n", ticks);
    }
}
