using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// The descriptors of one host container instance as it starts: the pipe its stdout and stderr share (or, with
/// <c>tty: true</c>, a terminal that is all three), and with <c>stdin: true</c> a stdin pipe whose write end the daemon
/// keeps for kubectl attach. The child's ends are closed once it has them (<see cref="Started"/>), so that its exit
/// ends the daemon's reads; each descriptor is closed once, whichever path closes it.
/// </summary>
internal sealed class ContainerIo
{
    private readonly ContainerStdio _stdio;
    private int _outputWrite = -1, _inputRead = -1, _inputWrite = -1, _master = -1, _slave = -1;
    private string? _terminal;

    private ContainerIo(ContainerStdio stdio) => _stdio = stdio;

    /// <summary>The descriptor the daemon reads the container's output from (handed to the output multiplexer).</summary>
    public int ReadFd { get; private set; } = -1;

    /// <summary>The descriptor that becomes the child's stdout and stderr (-1 with a terminal).</summary>
    public int OutputFd => _outputWrite;

    /// <param name="outputFifo">where the output pipe is made as a named one that outlives the daemon
    /// (<see cref="OutputFifo"/>); null: an anonymous pipe</param>
    /// <exception cref="ContainerExecException">a pipe or terminal could not be had</exception>
    public static ContainerIo Open(ContainerStdio stdio, HostProcessRuntime.PipeFactory createPipe, string? outputFifo = null)
    {
        var io = new ContainerIo(stdio);
        try
        {
            if (stdio.Tty)
            {
                (io._master, io._slave, io._terminal) = PseudoTerminal.Open(null);
                io.ReadFd = PseudoTerminal.Duplicate(io._master);
                if (stdio.Stdin) io._inputWrite = PseudoTerminal.Duplicate(io._master);
                return io;
            }
            var errno = outputFifo is null ? createPipe(out var read, out var write) : OutputFifo.Create(outputFifo, out read, out write);
            if (errno != 0) throw new ContainerExecException("cannot create output pipe: " + Errno.Describe(errno));
            (io.ReadFd, io._outputWrite) = (read, write);
            if (stdio.Stdin)
            {
                if (createPipe(out var inRead, out var inWrite) is var e and not 0) throw new ContainerExecException("cannot create its stdin pipe: " + Errno.Describe(e));
                (io._inputRead, io._inputWrite) = (inRead, inWrite);
            }
            return io;
        }
        catch
        {
            io.Abandon();
            throw;
        }
    }

    /// <summary>The spawn request with the child's stdin and terminal.</summary>
    public SpawnRequest Attach(SpawnRequest request) =>
        _terminal is { } terminal ? request with { Terminal = terminal }
        : _inputRead >= 0 ? request with { InputFd = _inputRead }
        : request;

    /// <summary>The child has its ends (or failed to start): the daemon's copies of them go.</summary>
    public void Started()
    {
        Close(ref _outputWrite);
        Close(ref _inputRead);
        // The child opened the terminal by its path; this end only kept it alive until then.
        Close(ref _slave);
    }

    /// <summary>The container did not start: every descriptor goes.</summary>
    public void Abandon()
    {
        Started();
        var read = ReadFd;
        Close(ref read);
        ReadFd = -1;
        Close(ref _inputWrite);
        Close(ref _master);
    }

    /// <summary>What kubectl attach reaches; the stdin and terminal descriptors are its from now on.</summary>
    public ContainerStreams Streams()
    {
        var input = _inputWrite >= 0 ? new FileStream(new SafeFileHandle(_inputWrite, ownsHandle: true), FileAccess.Write, bufferSize: 0) : null;
        _inputWrite = -1;
        if (_master < 0) return new ContainerStreams(input, _stdio.StdinOnce, tty: false);
        var master = _master;
        _master = -1;
        return new ContainerStreams(input, _stdio.StdinOnce, tty: true,
            resize: (columns, rows) => PseudoTerminal.Resize(master, columns, rows), closeInput: () => Native.close(master));
    }

    private static void Close(ref int fd)
    {
        if (fd >= 0) Native.close(fd);
        fd = -1;
    }
}
