using System.ComponentModel;
using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// A command run in a container with streams of its own (kubectl exec): its stdin, stdout and stderr as pipes, or,
/// with a TTY, one pseudo-terminal that is all three and its controlling terminal (so that a shell is interactive and
/// Ctrl+C reaches what runs in it). Spawned as <see cref="HostExec"/> spawns (in the container's cgroup, environment and
/// working directory, a session of its own, watched by the daemon's reaper); disposing kills its process group.
/// </summary>
public sealed class ExecSession : IAsyncDisposable
{
    private readonly int _pid;
    private readonly int _terminal = -1;

    private ExecSession(int pid, Task<ExitStatus> exited, Stream? input, Stream output, Stream? error, int terminal)
    {
        _pid = pid;
        Exited = exited;
        Input = input;
        Output = output;
        Error = error;
        _terminal = terminal;
    }

    /// <summary>The command's stdin (null when none was asked for: it reads /dev/null).</summary>
    public Stream? Input { get; }

    /// <summary>Its stdout (with a TTY, the terminal: stdout and stderr together).</summary>
    public Stream Output { get; }

    /// <summary>Its stderr; null with a TTY.</summary>
    public Stream? Error { get; }

    public Task<ExitStatus> Exited { get; }

    /// <exception cref="ContainerExecException">the command could not be started.</exception>
    /// <param name="size">with a TTY, its size (columns, rows) from the start, if the client said it already</param>
    public static ExecSession Start(ExecTarget target, bool stdin, bool tty, (ushort Columns, ushort Rows)? size = null)
    {
        var context = target.Context;
        var request = new SpawnRequest(target.Executable, target.Argv, context.Environment, context.WorkingDirectory, -1, context.Cgroup, AlsoJoin: context.LimitCgroups);
        return tty ? StartWithTerminal(request, size) : StartWithPipes(request, stdin);
    }

    private static ExecSession StartWithPipes(SpawnRequest request, bool stdin)
    {
        var opened = new List<int>();
        try
        {
            var (outRead, outWrite) = Pipe(opened);
            var (errRead, errWrite) = Pipe(opened);
            var (inRead, inWrite) = stdin ? Pipe(opened) : (-1, -1);
            var (pid, exited) = Spawn(request with { OutputFd = outWrite } is var r && stdin ? r with { InputFd = inRead, ErrorFd = errWrite } : r with { ErrorFd = errWrite });
            // The child has its ends: only ours stay open here, so that its exit ends our reads.
            foreach (var fd in new[] { outWrite, errWrite, inRead }.Where(fd => fd >= 0)) { Native.close(fd); opened.Remove(fd); }
            opened.Clear();
            return new ExecSession(pid, exited, stdin ? Open(inWrite, FileAccess.Write) : null, Open(outRead, FileAccess.Read), Open(errRead, FileAccess.Read), -1);
        }
        catch
        {
            foreach (var fd in opened) Native.close(fd);
            throw;
        }
    }

    private static ExecSession StartWithTerminal(SpawnRequest request, (ushort Columns, ushort Rows)? size)
    {
        var (master, slave, path) = PseudoTerminal.Open(size);
        try
        {
            var (pid, exited) = Spawn(request with { Terminal = path });
            var reader = PseudoTerminal.Duplicate(master);
            return new ExecSession(pid, exited, Open(master, FileAccess.Write), Open(reader, FileAccess.Read), null, master);
        }
        catch
        {
            Native.close(master);
            throw;
        }
        finally
        {
            // The child opened the terminal by its path; our slave end only kept it alive until then.
            Native.close(slave);
        }
    }

    /// <summary>Sets the terminal's size (kubectl sends the user's terminal's, and each change).</summary>
    public void Resize(ushort columns, ushort rows)
    {
        if (_terminal >= 0) PseudoTerminal.Resize(_terminal, columns, rows);
    }

    /// <summary>SIGKILLs the command's process group unless it has exited (its group id could be reused then).</summary>
    public void Kill()
    {
        if (!Exited.IsCompleted) Native.kill(-_pid, Native.SIGKILL);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Exited.ConfigureAwait(false);
        if (Input is not null) await Input.DisposeAsync().ConfigureAwait(false);
        await Output.DisposeAsync().ConfigureAwait(false);
        if (Error is not null) await Error.DisposeAsync().ConfigureAwait(false);
    }

    private static (int Pid, Task<ExitStatus> Exited) Spawn(SpawnRequest request)
    {
        try
        {
            return ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request));
        }
        catch (Win32Exception e)
        {
            throw new ContainerExecException(e.Message, e);
        }
    }

    private static (int Read, int Write) Pipe(List<int> opened)
    {
        if (Native.CreatePipe(out var read, out var write) is var errno and not 0)
            throw new ContainerExecException("cannot create a pipe: " + Errno.Describe(errno));
        opened.Add(read);
        opened.Add(write);
        return (read, write);
    }

    private static FileStream Open(int fd, FileAccess access) => new(new SafeFileHandle(fd, ownsHandle: true), access, bufferSize: 0);
}
