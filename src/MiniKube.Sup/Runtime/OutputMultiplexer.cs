using System.ComponentModel;
using System.Runtime.InteropServices;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// One thread and one epoll set read the output pipes of every container. A .NET stream over a pipe reads
/// synchronously on a thread-pool thread, so a hundred containers would pin a hundred threads and starve the
/// pool; here a hundred containers cost one thread and no polling. A handler that received nothing for
/// <see cref="IdleAfter"/> is told so, once, on the same thread (see <see cref="IOutputHandler.OnIdle"/>).
/// </summary>
public sealed unsafe class OutputMultiplexer
{
    private const int MaxEvents = 64;
    private const int BufferSize = 64 * 1024;

    /// <summary>How long without output makes a handler idle.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    public static OutputMultiplexer Shared { get; } = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<int, IOutputHandler> _handlers = new();
    // The loop thread's own: when each fd last delivered data (or was added), until it is told it is idle.
    private readonly Dictionary<int, long> _busySince = new();
    private readonly List<int> _added = new();
    private int _epoll = -1;

    private OutputMultiplexer() { }

    /// <summary>Takes ownership of <paramref name="fd"/> (the read end of a pipe): it is closed at EOF.</summary>
    public void Add(int fd, IOutputHandler handler)
    {
        EnsureStarted();
        var flags = Native.fcntl(fd, Native.F_GETFL, 0);
        Native.fcntl(fd, Native.F_SETFL, flags | Native.O_NONBLOCK);
        lock (_gate)
        {
            _handlers[fd] = handler;
            _added.Add(fd);
        }
        var ev = stackalloc byte[16];
        *(uint*)ev = Native.EPOLLIN;
        *(long*)(ev + Native.EpollDataOffset) = fd;
        if (Native.epoll_ctl(_epoll, Native.EPOLL_CTL_ADD, fd, ev) != 0)
        {
            lock (_gate) _handlers.Remove(fd);
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_ctl(ADD) failed");
        }
    }

    private void EnsureStarted()
    {
        lock (_gate)
        {
            if (_epoll >= 0) return;
            _epoll = Native.epoll_create1(Native.O_CLOEXEC);
            if (_epoll < 0) throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1 failed");
            new Thread(Loop) { IsBackground = true, Name = "sup-output" }.Start();
        }
    }

    private void Loop()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Native.EpollEventSize));
        var buffer = (byte*)NativeMemory.Alloc(BufferSize);
        var idleMs = (long)IdleAfter.TotalMilliseconds;
        var nextIdleCheck = Environment.TickCount64 + idleMs;
        while (true)
        {
            var n = Native.epoll_wait(_epoll, events, MaxEvents, _busySince.Count > 0 || _added.Count > 0 ? (int)idleMs : -1);
            var now = Environment.TickCount64;
            if (now >= nextIdleCheck)
            {
                NotifyIdle(now - idleMs);
                nextIdleCheck = now + idleMs / 2;
            }
            if (n < 0) continue; // EINTR
            for (var i = 0; i < n; i++)
            {
                var fd = (int)*(long*)(events + i * Native.EpollEventSize + Native.EpollDataOffset);
                IOutputHandler? handler;
                lock (_gate) _handlers.TryGetValue(fd, out handler);
                if (handler is null) continue;
                // Level-triggered: one read per wake-up keeps a chatty container from starving the others.
                var read = Native.read(fd, buffer, BufferSize);
                if (read > 0)
                {
                    _busySince[fd] = now;
                    Deliver(handler, new ReadOnlySpan<byte>(buffer, (int)read));
                    continue;
                }
                if (read < 0 && Marshal.GetLastPInvokeError() is Native.EAGAIN or Native.EINTR) continue;
                Close(fd, handler);
            }
        }
    }

    /// <summary>Tells each handler that has had no data since <paramref name="before"/> that it is idle, once.</summary>
    private void NotifyIdle(long before)
    {
        lock (_gate)
        {
            foreach (var fd in _added) _busySince.TryAdd(fd, before + (long)IdleAfter.TotalMilliseconds); // from now
            _added.Clear();
        }
        List<(int, IOutputHandler?)>? idle = null;
        foreach (var (fd, since) in _busySince)
        {
            if (since > before) continue;
            IOutputHandler? handler;
            lock (_gate) _handlers.TryGetValue(fd, out handler);
            (idle ??= []).Add((fd, handler));
        }
        foreach (var (fd, handler) in idle ?? [])
        {
            _busySince.Remove(fd);
            if (handler is null) continue;
            try { handler.OnIdle(); }
            catch (Exception) { /* as for data: one failing sink must not stop the others */ }
        }
    }

    private void Close(int fd, IOutputHandler handler)
    {
        Native.epoll_ctl(_epoll, Native.EPOLL_CTL_DEL, fd, null);
        Native.close(fd);
        _busySince.Remove(fd);
        lock (_gate) _handlers.Remove(fd);
        try { handler.OnClosed(); }
        catch (Exception) { /* a failing sink must not stop everyone's output */ }
    }

    private static void Deliver(IOutputHandler handler, ReadOnlySpan<byte> data)
    {
        try { handler.OnData(data); }
        catch (Exception) { /* e.g. disk full: the container keeps running; its output is lost, not the daemon */ }
    }
}
