namespace MiniKube.Sup.EndToEnd;

/// <summary>kubectl v1.32's attach against the daemon: the running container's live output, its stdin (stdin: true,
/// stdinOnce closing it after the first attach) and its terminal (tty: true), over the exec WebSocket protocol.</summary>
public sealed class KubectlAttachTests
{
    internal const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ticker
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: echo
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              stdin: true
              stdinOnce: true
              command: ["sh", "-c", "while read line; do echo \"got: $line\"; echo \"err: $line\" >&2; done; echo stdin closed; exit 7"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: term
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              stdin: true
              tty: true
              command: ["sh", "-c", "read line; sleep 0.5; echo \"got: $line on $(tty)\"; stty size; exit 5"]
        """;

    private static async Task<SupDaemon> StartAsync()
    {
        var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        foreach (var pod in new[] { "ticker", "echo", "term" }) await d.WaitForPodAsync(pod);
        return d;
    }

    [Fact]
    public async Task Attach_follows_the_output_of_a_running_container_until_the_client_leaves()
    {
        await using var d = await StartAsync();
        // kubectl attach follows until it is stopped: timeout(1) stops it, as a user's Ctrl+C would.
        var (code, output, err) = await SupDaemon.Run("timeout", ["3", "kubectl", "attach", "ticker"], new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.True(code == 124, $"kubectl attach ended by itself ({code}): {err}");
        Assert.Matches(@"tick \d+\ntick \d+\n", output);
        // The container lives on.
        var (_, phase, _) = await d.Sup("get", "pod", "ticker", "-o", "jsonpath={.status.phase}");
        Assert.Equal("Running", phase);
    }

    [Fact]
    public async Task Attach_with_stdin_feeds_the_container_and_stdinOnce_closes_its_stdin_when_the_attach_ends()
    {
        await using var d = await StartAsync();
        var (code, output, err) = await SupDaemon.Run("sh", ["-c", "printf 'one\\ntwo\\n' | kubectl attach -i echo"], new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.True(code == 0, $"kubectl attach -i: {code} {err}");
        // A host container's stdout and stderr share one pipe (as in its log): both come as stdout, in order.
        Assert.Contains("got: one\nerr: one\ngot: two\nerr: two\n", output);
        Assert.EndsWith("stdin closed\n", output);
        await d.WaitForPodAsync("echo", "Failed");
        var (_, exit, _) = await d.Sup("get", "pod", "echo", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}");
        Assert.Equal("7", exit);
        // The container's log has what it wrote while attached.
        var (_, log, _) = await d.Sup("logs", "echo");
        Assert.Contains("got: two", log);
    }

    [Fact]
    public async Task Attach_with_a_TTY_types_into_the_containers_terminal_of_the_clients_size()
    {
        await using var d = await StartAsync();
        // kubectl needs a terminal of its own for -t: script(1) gives it one, and types what it reads.
        var (code, output, err) = await SupDaemon.Run("sh", ["-c", "(sleep 2; printf 'hello\\n'; sleep 5) | script -qec 'stty cols 101 rows 33; kubectl attach -it term' /dev/null"],
            new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.True(code == 0, $"kubectl attach -it: {code} {output} {err}");
        Assert.Matches(@"got: hello on /dev/pts/\d+", output);
        Assert.Contains("33 101", output);
        await d.WaitForPodAsync("term", "Failed");
    }

    [Fact]
    public async Task Attach_to_a_pod_that_has_ended_is_refused()
    {
        await using var d = await StartAsync();
        await SupDaemon.Run("sh", ["-c", "kubectl attach -i echo </dev/null"], new() { ["KUBECONFIG"] = d.Kubeconfig }); // its stdin closes at once: it ends
        await d.WaitForPodAsync("echo", "Failed");
        var (code, _, err) = await d.Kubectl("attach", "echo");
        Assert.NotEqual(0, code);
        Assert.Contains("cannot attach a container in a completed pod; current phase is Failed", err);
    }
}
