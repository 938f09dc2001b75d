using System.Collections.Concurrent;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>A runtime whose containers exit when the test says so (or on SIGTERM, if asked to).</summary>
internal sealed class FakeContainerRuntime : IContainerRuntime
{
    private int _nextPid = 1000;

    public ConcurrentQueue<FakeInstance> Started { get; } = new();
    /// <summary>Every launch asked for, started or not.</summary>
    public ConcurrentQueue<ContainerLaunch> Launches { get; } = new();
    public HashSet<string> FailToStart { get; } = [];
    public bool ExitOnSigterm { get; set; } = true;
    /// <summary>False: not even SIGKILL ends an instance (a process stuck in the kernel).</summary>
    public bool ExitOnSigkill { get; set; } = true;
    /// <summary>When set, SIGTERM makes an instance exit with this code (as a program that handles it) instead of dying of it.</summary>
    public int? ExitCodeOnSigterm { get; set; }

    /// <summary>When set, starts complete only once this task has (as an engine's take most of a second).</summary>
    public Task? StartDelay { get; set; }

    /// <summary>Every sandbox made, and every one removed.</summary>
    public ConcurrentQueue<SandboxRequest> Sandboxes { get; } = new();
    public ConcurrentQueue<PodSandbox> RemovedSandboxes { get; } = new();

    /// <summary>What each sandbox made says the daemon cannot do for its network (rootless podman's).</summary>
    public string? SandboxNetworkLimitation { get; set; }

    /// <summary>When set, a sandbox cannot be made: this is thrown.</summary>
    public Exception? SandboxFailure { get; set; }

    /// <summary>Containers that cannot be created (by name): the exception their start throws.</summary>
    public ConcurrentDictionary<string, ContainerCreateException> FailToCreate { get; } = new();

    public Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        if (SandboxFailure is { } failure) return Task.FromException<PodSandbox>(failure);
        Sandboxes.Enqueue(request);
        return Task.FromResult(new PodSandbox(request.PodIp, null, "fake-" + request.PodName) { NetworkLimitation = SandboxNetworkLimitation });
    }

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken)
    {
        RemovedSandboxes.Enqueue(sandbox);
        return Task.CompletedTask;
    }

    public Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        Launches.Enqueue(launch);
        if (StartDelay is { } delay) return StartLaterAsync(delay, launch);
        try { return Task.FromResult(Start(launch)); }
        catch (Exception e) when (e is ContainerStartException or ContainerCreateException) { return Task.FromException<IContainerInstance>(e); }
    }

    private async Task<IContainerInstance> StartLaterAsync(Task delay, ContainerLaunch launch)
    {
        await delay.ConfigureAwait(false);
        return Start(launch);
    }

    public IContainerInstance Start(ContainerLaunch launch)
    {
        if (FailToCreate.TryGetValue(launch.ContainerName, out var create)) throw create;
        if (FailToStart.Contains(launch.ContainerName))
            throw new ContainerStartException($"exec: \"{launch.Command[0]}\": executable file not found in $PATH");
        var instance = new FakeInstance(Interlocked.Increment(ref _nextPid), launch, this);
        Started.Enqueue(instance);
        return instance;
    }

    /// <summary>Takes back an instance an earlier daemon left running (adoption): one more instance, with that pid.</summary>
    public IContainerInstance? Adopt(ContainerLaunch launch, int pid)
    {
        var instance = new FakeInstance(pid, launch, this);
        Started.Enqueue(instance);
        return instance;
    }

    /// <summary>What a command run in a container does (by default: exits 0 without output).</summary>
    public Func<FakeInstance, IReadOnlyList<string>, TimeSpan, CancellationToken, Task<ExecResult>> OnExec { get; set; } =
        (_, _, _, _) => Task.FromResult(ExecResult.Exited(ExitStatus.Exited(0), ""));

    /// <summary>Every command run in a container, in order.</summary>
    public ConcurrentQueue<(FakeInstance Instance, IReadOnlyList<string> Command, TimeSpan Timeout)> Execs { get; } = new();

    /// <summary>Fast tests run no process: an exec with streams of its own is for the real runtimes.</summary>
    public ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command) =>
        throw new ContainerExecException("the fake runtime runs no process");

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var instance = (FakeInstance)container;
        Execs.Enqueue((instance, command, timeout));
        return OnExec(instance, command, timeout, cancellationToken);
    }

    /// <summary>A running instance of a container named <paramref name="container"/>, for tests that need one.</summary>
    public FakeInstance StartOne(string container = "app") =>
        (FakeInstance)Start(new ContainerLaunch("p", container, ["/bin/true"], new Dictionary<string, string>(), "/", "/dev/null", "owner"));

    public IReadOnlyList<FakeInstance> Of(string container) => Started.Where(i => i.Launch.ContainerName == container).ToList();

    internal sealed class FakeInstance(int pid, ContainerLaunch launch, FakeContainerRuntime owner) : IContainerInstance
    {
        private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Pid { get; } = pid;
        public ContainerLaunch Launch { get; } = launch;
        public ConcurrentQueue<int> Signals { get; } = new();
        public Task<ExitStatus> Exited => _exited.Task;
        private readonly TaskCompletionSource _outputHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _holdsOutput;

        /// <summary>Ends with the process, unless <see cref="HoldOutput"/>: then when <see cref="ReleaseOutput"/>.</summary>
        public Task OutputDrained => _holdsOutput ? Task.WhenAll(_exited.Task, _outputHeld.Task) : _exited.Task;

        /// <summary>Output still on its way after the exit (the pump has not read the last lines yet).</summary>
        public void HoldOutput() => _holdsOutput = true;

        public void ReleaseOutput() => _outputHeld.TrySetResult();

        public void Exit(int code) => _exited.TrySetResult(ExitStatus.Exited(code));

        public IReadOnlyList<MiniKube.Sup.Processes.ProcessInfo> Processes(Func<MiniKube.Sup.Processes.ProcessTable> table) => [];

        public void SignalGroup(int signal)
        {
            if (!_exited.Task.IsCompleted) SignalAll(signal);
        }

        public Task SignalAllAsync(int signal)
        {
            SignalAll(signal);
            return Task.CompletedTask;
        }

        public void SignalAll(int signal)
        {
            Signals.Enqueue(signal);
            if (signal == Native.SIGTERM && owner.ExitCodeOnSigterm is { } code) _exited.TrySetResult(ExitStatus.Exited(code));
            if ((signal == Native.SIGKILL && owner.ExitOnSigkill) || (signal == Native.SIGTERM && owner.ExitOnSigterm))
                _exited.TrySetResult(ExitStatus.Signaled(signal));
        }

        public Task KillRemainingAsync(TimeProvider time, TimeSpan timeout) => Task.CompletedTask;
    }
}
