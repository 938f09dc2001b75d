namespace MiniKube.Sup.EndToEnd;

/// <summary>sup.minikube.io/wait-for, as a user sees it: the dependant is listed as WaitingFor until the database's
/// Service has a Ready endpoint, then starts.</summary>
public sealed class StartOrderTests : IDisposable
{
    private readonly string _cue = Path.Combine(Path.GetTempPath(), "sup-order-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => File.Delete(_cue);

    [Fact]
    public async Task A_pod_that_waits_for_a_Service_starts_once_the_Service_has_a_Ready_endpoint()
    {
        await using var d = new SupDaemon($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: db, labels: {app: db}}
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: db
                  command: ["TESTAPP"]
                  readinessProbe: {exec: {command: ["test", "-f", "{{{_cue}}}"]}, periodSeconds: 1}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec: {selector: {app: db}, ports: [{port: 5432}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: api
              annotations: {sup.minikube.io/wait-for: svc/db}
            spec:
              terminationGracePeriodSeconds: 3
              containers: [{name: api, command: ["TESTAPP", "--print", "api up"]}]
            """);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("get", "pods").GetAwaiter().GetResult().Out.Contains("WaitingFor"), "api held", 30);
        var (_, described, _) = await d.Sup("describe", "pod", "api");
        Assert.Matches(@"State:\s+Waiting\n\s+Reason:\s+WaitingFor\n", described);
        Assert.Contains("svc/db: no Ready endpoint", described);
        await Task.Delay(1500);
        Assert.DoesNotContain("api/api | api up", d.Process.Output); // still held while db is not Ready

        File.WriteAllText(_cue, "");
        await d.Process.WaitForLineAsync("api/api | api up");
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/api", "--timeout", "30s");
        Assert.True(code == 0, output + err);
    }
}
