using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The pod half of the engine in-process: a real store and the pod agent with the real host-process runtime
/// and the real clock, so pods run real processes. Disposing stops every pod and asserts that nothing is left
/// behind.</summary>
internal sealed class PodHarness : IAsyncDisposable, IContainerOutput
{
    public PodHarness(BackoffPolicy? backoff = null)
    {
        StateDir = Directory.CreateTempSubdirectory("sup-e2e-").FullName;
        Paths = new StatePaths(StateDir);
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        Tracking = ProcessTracking.Detect(Paths.DaemonId);
        // A block of pod addresses of its own, as a daemon claims one: tests run side by side.
        _addresses = MiniKube.Sup.Networking.PodAddressLease.Claim(null);
        var context = new PodWorkerContext(new HostProcessRuntime(this, tracking: Tracking), TimeProvider.System, Events, Paths,
            backoff ?? BackoffPolicy.Kubernetes, env, NullLogger.Instance) { PodAddresses = _addresses.Range };
        Store = ObjectStore.Open(":memory:");
        Agent = new PodAgent(Store, context);
        Agent.Start();
    }

    private readonly MiniKube.Sup.Networking.PodAddressLease _addresses;

    public string StateDir { get; }
    public StatePaths Paths { get; }
    public ProcessTracking Tracking { get; }
    public ObjectStore Store { get; }
    public PodAgent Agent { get; }
    public EventLog Events { get; } = new();
    public ConcurrentQueue<string> Output { get; } = new();

    public void WriteLine(string pod, string container, string line) => Output.Enqueue($"{pod}/{container} | {line}");

    public PodWorker Run(string name, string restartPolicy = "Always", long grace = 30, params V1Container[] containers) =>
        Run(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec { RestartPolicy = restartPolicy, TerminationGracePeriodSeconds = grace, Containers = containers },
        });

    /// <summary>Creates the pod object, as a controller or `sup apply` does, and returns its worker once the agent
    /// has started it.</summary>
    public PodWorker Run(V1Pod pod)
    {
        pod.ApiVersion ??= "v1";
        pod.Kind ??= "Pod";
        var created = Store.Create(pod, "test");
        Agent.Subscription!.WaitForAsync(created.ResourceVersion).Wait(TimeSpan.FromSeconds(10));
        return Agent.Worker(pod.Metadata.Name) ?? throw new InvalidOperationException($"the agent did not start {pod.Metadata.Name}");
    }

    /// <summary>The pod as the store has it: spec and the status its worker reported.</summary>
    public V1Pod? Get(string name) => Store.Get("Pod", name)?.As<V1Pod>();

    /// <summary>Deletes the pod gracefully and returns once it is gone (its processes down, the object removed).</summary>
    public async Task DeleteAsync(string name)
    {
        Store.Delete("Pod", name);
        await Poll.Until(() => Store.Get("Pod", name) is null, $"pod {name} gone", 60);
    }

    public static V1Container TestApp(string name, params string[] args) =>
        new() { Name = name, Command = [Binaries.TestApp], Args = args };

    public V1ContainerStatus Status(string pod, string container = "app") =>
        Get(pod)?.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container) ?? new V1ContainerStatus { Name = container };

    public async ValueTask DisposeAsync()
    {
        await Agent.StopAllAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Tracking.ReleaseAsync(TimeProvider.System);
        Store.Dispose();
        _addresses.Dispose();
        await Leftovers.AssertNoneAsync(Paths);
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
    }
}
