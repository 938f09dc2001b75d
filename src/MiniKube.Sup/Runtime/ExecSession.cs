using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// A command run in a container with streams of its own (kubectl exec): its stdin, stdout and stderr as pipes, or,
/// with a TTY, one pseudo-terminal that is all three and its controlling terminal (so that a shell is interactive and
/// Ctrl+C reaches what runs in it). Spawned as <see cref="HostExec"/> spawns (in the container's cgroup, environment and
/// working directory, a session of its own, watched by the daemon's reaper); disposing kills its process group.
/// </summary>
public sealed partial class ExecSession : IAsyncDisposable
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
        var winSize = new WinSize { Columns = size?.Columns ?? 80, Rows = size?.Rows ?? 24 };
        if (openpty(out var master, out var slave, 0, 0, ref winSize) != 0)
            throw new ContainerExecException("cannot allocate a terminal: " + Errno.DescribeLast());
        try
        {
            // Neither end may reach the command (the master would keep its own output from ever ending).
            fcntl(master, F_SETFD, FD_CLOEXEC);
            fcntl(slave, F_SETFD, FD_CLOEXEC);
            var name = new byte[128];
            if (ptsname_r(master, name, name.Length) != 0) throw new ContainerExecException("cannot name the terminal: " + Errno.DescribeLast());
            var path = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
            var (pid, exited) = Spawn(request with { Terminal = path });
            var reader = dup(master);
            if (reader < 0) throw new ContainerExecException("cannot duplicate the terminal: " + Errno.DescribeLast());
            fcntl(reader, F_SETFD, FD_CLOEXEC);
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
        if (_terminal < 0) return;
        var size = new WinSize { Rows = rows, Columns = columns };
        ioctl(_terminal, TIOCSWINSZ, ref size);
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

    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;
    private const nuint TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openpty(out int master, out int slave, nint name, nint termp, ref WinSize winp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ptsname_r(int fd, [Out] byte[] buffer, nint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ref WinSize size);
}
