namespace MiniKube.Sup.Runtime.Engine;

/// <summary>Where no container engine is usable: an image pod's sandbox cannot be made, and says why (once: trying
/// again cannot help until the daemon is started with an engine).</summary>
public sealed class NoEngine(string problem) : IContainerRuntime
{
    public string Problem => problem;

    public Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken) =>
        Task.FromException<PodSandbox>(new SandboxException(
            $"no container engine is usable ({problem}); annotation sup.minikube.io/runtime: host runs the containers' commands on the host instead",
            permanent: true));

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken) =>
        Task.FromException<IContainerInstance>(new ContainerCreateException(ContainerCreateException.CreateError, $"no container engine is usable ({problem})"));

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new ContainerExecException($"no container engine is usable ({problem})");

    public ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command) =>
        throw new ContainerExecException($"no container engine is usable ({problem})");
}
