using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The engine in-process with the real host-process runtime and the real clock: pods run real
/// processes. Disposing stops every pod and asserts that nothing is left behind.</summary>
internal sealed class PodHarness : IAsyncDisposable, IContainerOutput
{
    public PodHarness(BackoffPolicy? backoff = null)
    {
        StateDir = Directory.CreateTempSubdirectory("sup-e2e-").FullName;
        Paths = new StatePaths(StateDir);
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        Tracking = ProcessTracking.Detect(Paths.DaemonId);
        var context = new PodWorkerContext(new HostProcessRuntime(this, tracking: Tracking), TimeProvider.System, Events, Paths,
            backoff ?? BackoffPolicy.Kubernetes, env, NullLogger.Instance);
        Agent = new PodAgent(context);
    }

    public string StateDir { get; }
    public StatePaths Paths { get; }
    public ProcessTracking Tracking { get; }
    public PodAgent Agent { get; }
    public EventLog Events { get; } = new();
    public ConcurrentQueue<string> Output { get; } = new();

    public void WriteLine(string pod, string container, string line) => Output.Enqueue($"{pod}/{container} | {line}");

    public PodWorker Run(string name, string restartPolicy = "Always", long grace = 30, params V1Container[] containers) =>
        Agent.Run(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec { RestartPolicy = restartPolicy, TerminationGracePeriodSeconds = grace, Containers = containers },
        });

    public static V1Container TestApp(string name, params string[] args) =>
        new() { Name = name, Command = [Binaries.TestApp], Args = args };

    public V1ContainerStatus Status(string pod, string container = "app") =>
        Agent.Get(pod)?.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container) ?? new V1ContainerStatus { Name = container };

    public static async Task Until(Func<bool> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.StopAllAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Tracking.ReleaseAsync(TimeProvider.System);
        await Leftovers.AssertNoneAsync(Paths);
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
    }
}
