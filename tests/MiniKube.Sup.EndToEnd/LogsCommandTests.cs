namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup logs` as kubectl users reach for it: a workload's pod chosen as kubectl chooses it, every container
/// with --all-containers and --prefix, and a non-zero exit when there is nothing to read.</summary>
public sealed class LogsCommandTests
{
    private const string Stack = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: greeter
        spec:
          replicas: 2
          selector:
            matchLabels: {app: greeter}
          template:
            metadata:
              labels: {app: greeter}
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: app
                  command: ["TESTAPP"]
                  args: ["--print", "hello from $(POD_NAME)"]
                  env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef: {fieldPath: metadata.name}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: two
        spec:
          terminationGracePeriodSeconds: 3
          initContainers:
            - name: setup
              command: ["TESTAPP"]
              args: ["--print", "set up", "--exit", "0"]
          containers:
            - name: a
              command: ["TESTAPP"]
              args: ["--print", "I am a"]
            - name: b
              command: ["TESTAPP"]
              args: ["--print", "I am b"]
        """;

    [Fact]
    public async Task Logs_of_a_deployment_read_one_of_its_pods_and_say_which()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("logs", "deploy/greeter").GetAwaiter().GetResult().Out.Contains("hello from greeter-"), "a greeter's line", 30);
        var (code, output, err) = await d.Sup("logs", "deploy/greeter");
        Assert.Equal(0, code);
        var chosen = output.Trim()["hello from ".Length..];
        Assert.Contains($"Found 2 pods, using pod/{chosen}", err);

        var (missing, _, why) = await d.Sup("logs", "job/nothing-here");
        Assert.Equal(1, missing);
        Assert.Contains("no pods found for job/nothing-here", why);
        var (wrongKind, _, _) = await d.Sup("logs", "configmap/x");
        Assert.NotEqual(0, wrongKind);
    }

    [Fact]
    public async Task All_containers_with_prefix_reads_init_containers_then_containers_each_line_marked()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("logs", "two", "-c", "b").GetAwaiter().GetResult().Out.Contains("I am b"), "b's line", 30);
        await Poll.Until(() => d.Sup("logs", "two", "-c", "a").GetAwaiter().GetResult().Out.Contains("I am a"), "a's line", 30);

        var (code, output, _) = await d.Sup("logs", "two", "--all-containers", "--prefix");
        Assert.Equal(0, code);
        Assert.Equal(["[pod/two/setup] set up", "[pod/two/a] I am a", "[pod/two/b] I am b"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("exiting", StringComparison.Ordinal)));

        var (ambiguous, _, err) = await d.Sup("logs", "two");
        Assert.NotEqual(0, ambiguous);
        Assert.Contains("a container name must be specified for pod two", err);
    }

    [Fact]
    public async Task Logs_of_a_job_honour_timestamps_and_since_as_a_pod_s_logs_do()
    {
        await using var d = new SupDaemon("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 2
                  containers:
                    - name: step
                      command: ["TESTAPP"]
                      args: ["--print", "did the step", "--exit", "0"]
            """);
        await d.StartAsync();
        var (waited, _, why) = await d.Sup("wait", "--for=condition=Complete", "job/once", "--timeout", "60s");
        Assert.True(waited == 0, why);
        var pod = (await d.Sup("get", "pods", "-l", "batch.kubernetes.io/job-name=once", "-o", "jsonpath={.items[0].metadata.name}")).Out;

        var (code, output, err) = await d.Sup("logs", "job/once", "--timestamps");
        Assert.True(code == 0, err);
        Assert.Matches($@"^\[pod/{pod}/step\] \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{9}}Z did the step\n", output);

        // A time after every line was written: nothing, as for a pod. Within the last hour: the line.
        var (_, later, _) = await d.Sup("logs", "job/once", "--since-time", "2100-01-01T00:00:00Z");
        Assert.DoesNotContain("did the step", later);
        var (_, lastHour, _) = await d.Sup("logs", "job/once", "--since", "1h");
        Assert.Contains($"[pod/{pod}/step] did the step", lastHour);
        var (both, _, refused) = await d.Sup("logs", "job/once", "--since", "1h", "--since-time", "2100-01-01T00:00:00Z");
        Assert.NotEqual(0, both);
        Assert.Contains("at most one of --since or --since-time", refused);
    }

    [Fact]
    public async Task A_pod_made_again_under_the_same_name_has_a_log_of_its_own_and_the_old_one_goes_with_its_owner()
    {
        await using var d = new SupDaemon("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 1
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 3
                  containers:
                    - name: app
                      command: ["TESTAPP"]
                      args: ["--print", "instance $(POD_UID)"]
                      env:
                        - name: POD_UID
                          valueFrom: {fieldRef: {fieldPath: metadata.uid}}
            """);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("logs", "db-0").GetAwaiter().GetResult().Out.Contains("instance "), "db-0's line", 30);
        var first = await d.UidOf("db-0");
        Assert.Equal(0, (await d.Sup("delete", "pod", "db-0")).Code);
        await Poll.Until(() => d.Sup("get", "pod", "db-0", "-o", "jsonpath={.metadata.uid}").GetAwaiter().GetResult().Out is { Length: > 0 } uid && uid != first, "db-0 made again", 30);
        var second = await d.UidOf("db-0");
        await Poll.Until(() => d.Sup("logs", "db-0").GetAwaiter().GetResult().Out.Contains(second), "the new db-0's line", 30);

        // Not the two instances' output run together: the new pod's alone.
        var (_, output, _) = await d.Sup("logs", "db-0");
        Assert.Equal($"instance {second}\n", output);
        Assert.Equal($"instance {second}\n", (await d.Sup("logs", "sts/db")).Out);
        var paths = new StatePaths(d.StateDir);
        Assert.True(Directory.Exists(paths.PodLogDirectory("db-0", first)), "the replaced pod's logs are kept while its StatefulSet exists");

        Assert.Equal(0, (await d.Sup("delete", "sts", "db")).Code);
        await Poll.Until(() => !Directory.Exists(paths.PodLogDirectory("db-0", first)) && !Directory.Exists(paths.PodLogDirectory("db-0", second)), "both logs gone with the StatefulSet", 30);
    }
}
