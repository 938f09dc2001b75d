namespace MiniKube.Sup.EndToEnd;

/// <summary>kubectl v1.32's exec against the daemon: the v5.channel.k8s.io WebSocket, with and without a TTY.</summary>
public sealed class KubectlExecTests
{
    internal const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: box
        spec:
          terminationGracePeriodSeconds: 3
          containers:
            - name: app
              command: ["TESTAPP"]
              env: [{name: GREETING, value: hello-from-env}]
            - name: side
              command: ["TESTAPP"]
        """;

    private static async Task<SupDaemon> StartAsync()
    {
        var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        await d.WaitForPodAsync("box");
        return d;
    }

    [Fact]
    public async Task Exec_runs_in_the_containers_directory_and_environment_with_its_streams_and_exit_code()
    {
        await using var d = await StartAsync();
        var (code, output, err) = await d.Kubectl("exec", "box", "-c", "app", "--", "sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 3");
        Assert.Equal(3, code);
        Assert.Equal($"hello-from-env\n{new StatePaths(d.StateDir).PodDirectory("box")}\n", output);
        Assert.Contains("oops", err);
        Assert.Contains("command terminated with exit code 3", err);

        var (piped, echoed, _) = await SupDaemon.Run("sh", ["-c", "printf 'line one\\nline two\\n' | kubectl exec -i box -c app -- cat"], new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.Equal((0, "line one\nline two\n"), (piped, echoed));

        var (missing, _, why) = await d.Kubectl("exec", "box", "-c", "app", "--", "no-such-program");
        Assert.NotEqual(0, missing);
        Assert.Contains("executable file not found", why);

        // kubectl names the first container itself, and says so.
        var (defaulted, _, which) = await d.Kubectl("exec", "box", "--", "true");
        Assert.Equal(0, defaulted);
        Assert.Contains("Defaulted container \"app\" out of: app, side", which);
    }

    [Fact]
    public async Task Exec_with_a_TTY_gives_the_command_a_terminal_of_the_clients_size()
    {
        await using var d = await StartAsync();
        // kubectl needs a terminal of its own for -t: script(1) gives it one.
        var (code, output, _) = await SupDaemon.Run("script", ["-qec", "stty cols 101 rows 33; kubectl exec -it box -c app -- sh -c 'tty; stty size; exit 4'", "/dev/null"],
            new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.Equal(4, code);
        Assert.Matches(@"/dev/pts/\d+\r?\n", output);
        Assert.Contains("33 101", output);
    }
}
