using System.Runtime.CompilerServices;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// The runtime of every pod: host pods' to the host-process runtime, image pods' to the container engine. A pod's
/// sandbox and containers go where its request says (<see cref="SandboxRequest.RunsImages"/>,
/// <see cref="ContainerLaunch.Image"/>); a command run in a container goes to the runtime that started it.
/// </summary>
public sealed class PodRuntimes(IContainerRuntime host, IContainerRuntime engine) : IContainerRuntime
{
    private readonly ConditionalWeakTable<IContainerInstance, IContainerRuntime> _owners = new();

    public IContainerRuntime Host => host;

    public IContainerRuntime Engine => engine;

    public Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken) =>
        (request.RunsImages ? engine : host).CreateSandboxAsync(request, cancellationToken);

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken) =>
        (sandbox.Id is null ? host : engine).RemoveSandboxAsync(sandbox, cancellationToken);

    public async Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        var runtime = launch.Image is null ? host : engine;
        var instance = await runtime.StartAsync(launch, cancellationToken).ConfigureAwait(false);
        _owners.AddOrUpdate(instance, runtime);
        return instance;
    }

    public IContainerInstance? Adopt(ContainerLaunch launch, int pid)
    {
        var runtime = launch.Image is null ? host : engine;
        if (runtime.Adopt(launch, pid) is not { } instance) return null;
        _owners.AddOrUpdate(instance, runtime);
        return instance;
    }

    public PodSandbox? AdoptSandbox(SandboxRequest request) => (request.RunsImages ? engine : host).AdoptSandbox(request);

    public Task<string?> HostsFileAsync(PodSandbox sandbox, CancellationToken cancellationToken) =>
        (sandbox.Id is null ? host : engine).HostsFileAsync(sandbox, cancellationToken);

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        (_owners.TryGetValue(container, out var runtime) ? runtime : host).ExecAsync(container, command, timeout, cancellationToken);

    public ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command) =>
        (_owners.TryGetValue(container, out var runtime) ? runtime : host).ExecTarget(container, command);
}
