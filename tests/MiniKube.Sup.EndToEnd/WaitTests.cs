namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup wait` as kubectl's: several --for, jsonpath, -l and --all, a Failed Job that ends a wait for
/// Complete at once, and a daemon still starting that is waited for.</summary>
public sealed class WaitTests
{
    private static string Pod(string name, string app, string extraArgs = "", int grace = 2) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, labels: {app: {{{app}}}}}
        spec:
          terminationGracePeriodSeconds: {{{grace}}}
          containers:
            - {name: app, command: ["TESTAPP"], args: ["--print", "up"{{{extraArgs}}}]}
        """;

    /// <summary>web-a and web-b (app=web), and other (app=other).</summary>
    private static string Pods(string extraArgs = "", int grace = 2) =>
        string.Join("\n---\n", Pod("web-a", "web", extraArgs, grace), Pod("web-b", "web", extraArgs, grace), Pod("other", "other", extraArgs, grace));

    [Fact]
    public async Task Several_for_are_all_waited_for_and_jsonpath_compares_a_field()
    {
        await using var d = new SupDaemon(Pods());
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "--for=jsonpath={.status.phase}=Running", "pod/web-a", "--timeout", "30s");
        Assert.True(code == 0, output + err);
        Assert.Equal("pod/web-a condition met\n", output);

        (code, output, err) = await d.Sup("wait", "--for=jsonpath='{.metadata.labels.app}'=web", "pod/web-b", "--timeout", "5s");
        Assert.True(code == 0, output + err);
        (code, output, err) = await d.Sup("wait", "--for=jsonpath={.status.containerStatuses[0].ready}=true", "pod/web-b", "--timeout", "30s");
        Assert.True(code == 0, output + err);

        // Ready, but not Succeeded: one --for not met is a timeout.
        (code, _, err) = await d.Sup("wait", "--for=condition=Ready", "--for=jsonpath={.status.phase}=Succeeded", "pod/web-a", "--timeout", "1s");
        Assert.Equal(1, code);
        Assert.Contains("timed out waiting for the condition on pods/web-a", err);

        (code, _, err) = await d.Sup("wait", "--for=jsonpath=.status.phase", "pod/web-a");
        Assert.Equal(2, code);
        Assert.Contains("expected jsonpath=", err);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_selector_or_all_waits_for_every_matching_object_and_none_matching_is_an_error()
    {
        // Pods that take their whole grace period to stop: still listed while the delete wait below starts.
        await using var d = new SupDaemon(Pods(", \"--ignore-sigterm\"", grace: 3));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pods", "-l", "app=web", "--timeout", "30s");
        Assert.True(code == 0, output + err);
        Assert.Equal("pod/web-a condition met\npod/web-b condition met\n", output);

        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pods", "--all", "--timeout", "30s");
        Assert.True(code == 0, output + err);
        Assert.Equal(["pod/other condition met", "pod/web-a condition met", "pod/web-b condition met"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray());

        (code, _, err) = await d.Sup("wait", "--for=condition=Ready", "pods", "-l", "app=nothing", "--timeout", "5s");
        Assert.Equal(1, code);
        Assert.Contains("no matching resources found", err);

        (code, _, err) = await d.Sup("wait", "--for=condition=Ready", "pod/web-a", "-l", "app=web");
        Assert.Equal(2, code);

        var waiting = d.Sup("wait", "--for=delete", "pods", "-l", "app=web", "--timeout", "60s");
        var (deleted, _, deleteErr) = await d.Sup("delete", "pods", "web-a", "web-b", "--wait=false");
        Assert.True(deleted == 0, deleteErr);
        (code, output, err) = await waiting;
        Assert.True(code == 0, output + err);
        Assert.Equal("pod/web-a condition met\npod/web-b condition met\n", output);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Waiting_for_Complete_on_a_job_that_Failed_returns_1_at_once_instead_of_at_the_timeout()
    {
        await using var d = new SupDaemon("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: broken}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: run, command: ["TESTAPP"], args: ["--exit", "1"]}
            """);
        await d.StartAsync();
        // The helper gives up after 60 s: a wait that ran to its 600 s timeout would fail the test.
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/broken", "--timeout", "600s");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("job/broken failed", err);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_wait_started_before_the_daemon_waits_for_its_socket_within_the_timeout()
    {
        await using var d = new SupDaemon(Pods());
        var waiting = d.Sup("wait", "--for=condition=Ready", "pod/web-a", "--timeout", "60s");
        await Task.Delay(1000); // the wait is running and finds no socket
        Assert.False(waiting.IsCompleted, "sup wait did not wait for the daemon");
        await d.StartAsync();
        var (code, output, err) = await waiting;
        Assert.True(code == 0, output + err);
        Assert.Equal("pod/web-a condition met\n", output);

        // No daemon within the timeout: the client's one line that says there is none.
        await d.StopAsync();
        (code, _, err) = await d.Sup("wait", "--for=condition=Ready", "pod/web-a", "--timeout", "1s");
        Assert.Equal(1, code);
        Assert.Contains("no sup daemon is running", err);
    }
}
