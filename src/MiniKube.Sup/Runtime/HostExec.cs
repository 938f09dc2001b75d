using System.ComponentModel;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// Runs a command in a host container (k8s CRI ExecSync): spawned as the container's processes are, in a session
/// of its own, with the container's environment, working directory and owner mark and in its cgroup, so that the
/// process view and the container's clean-up see it as the container's. It is watched by pid through the daemon's
/// reaper, so its real exit code is known. At the timeout, or when the caller gives up, its whole process group is
/// SIGKILLed (not the container's cgroup: the container lives on) and reaped before the call returns.
/// </summary>
internal static class HostExec
{
    /// <summary>How long output may still arrive once the command exited (a daemonized grandchild may hold the pipe).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(200);

    public static async Task<ExecResult> RunAsync(HostExecContext context, IReadOnlyList<string> command, TimeSpan timeout,
        TimeProvider time, HostProcessRuntime.PipeFactory createPipe, CancellationToken cancellationToken)
    {
        var (executable, argv) = Resolve(context, command);
        return await RunAsync(executable, argv, context, timeout, time, createPipe, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The program and argv that run <paramref name="command"/> in the container: the command found on its
    /// PATH, or, for a container in namespaces of its own, the wrapper that enters them.</summary>
    public static (string Executable, IReadOnlyList<string> Argv) Resolve(HostExecContext context, IReadOnlyList<string> command)
    {
        if (command.Count == 0 || string.IsNullOrEmpty(command[0])) throw new ContainerExecException("no command specified");
        var executable = ExecutableResolver.Resolve(command[0], context.SearchPath, context.WorkingDirectory);
        if (context.Enter is { } enter)
        {
            // Resolved in the container's namespace if the host does not have it (a program only its mounts hold).
            var (wrapper, argv) = enter(executable ?? command[0], command);
            executable = ExecutableResolver.Resolve(wrapper, HostProcessRuntime.DaemonPath, "/")
                ?? throw new ContainerExecException($"exec: \"{wrapper}\" (util-linux) not found on the daemon's PATH");
            return (executable, argv);
        }
        if (executable is null) throw new ContainerExecException($"exec: \"{command[0]}\": executable file not found in $PATH");
        return (executable, command);
    }

    /// <summary>Runs <paramref name="executable"/> (a path) with <paramref name="argv"/> as
    /// <paramref name="context"/> says (its search path is not used).</summary>
    public static async Task<ExecResult> RunAsync(string executable, IReadOnlyList<string> argv, HostExecContext context, TimeSpan timeout,
        TimeProvider time, HostProcessRuntime.PipeFactory createPipe, CancellationToken cancellationToken)
    {
        if (createPipe(out var readFd, out var writeFd) is var errno and not 0)
            throw new ContainerExecException("cannot create output pipe: " + Errno.Describe(errno));
        var capture = new ExecOutputCapture();
        int pid;
        Task<ExitStatus> exited;
        try
        {
            var request = new SpawnRequest(executable, argv, context.Environment, context.WorkingDirectory, writeFd, context.Cgroup, AlsoJoin: context.LimitCgroups);
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request));
        }
        catch (Win32Exception e)
        {
            Native.close(readFd);
            throw new ContainerExecException(e.Message, e);
        }
        finally
        {
            Native.close(writeFd);
        }
        OutputMultiplexer.Shared.Add(readFd, capture);

        using var timer = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        ExitStatus? status;
        try
        {
            status = await exited.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The whole group goes, then the reaper collects it: no zombie and no straggler stays behind.
            Native.kill(-pid, Native.SIGKILL);
            await exited.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            status = null;
        }
        // A command that exited on its own is reaped already: its group id may be reused now, so it is not
        // signalled; anything it left running carries the container's owner mark and goes with the container.
        try { await capture.Closed.WaitAsync(OutputGrace, time, CancellationToken.None).ConfigureAwait(false); }
        catch (TimeoutException) { /* a daemonized grandchild holds the pipe: report what we have */ }
        return status is { } s ? ExecResult.Exited(s, capture.Text) : ExecResult.Timeout(capture.Text);
    }
}
