using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Services;

/// <summary>
/// Moves the bytes of forwarded connections from socket to socket without bringing them into the process: each
/// direction of a pair is <c>splice(2)</c>d through a pipe of its own (socket → pipe → socket, pages moved, not
/// copied), on one thread that waits on an edge-triggered epoll set. No task, buffer or thread-pool hop per read: the
/// daemon's user-space Service path at a fraction of the cost of async socket copies. A direction ends at end of
/// stream (the other side is then shut down for writing, as the copies did); an error on either side ends the pair
/// as a reset. The sockets stay referenced (their handles counted) until the relay is done with them, so a Dispose
/// elsewhere cannot close a descriptor under it: it shuts them down, which the relay sees and ends the pair.
/// <para>
/// The same thread also connects the sockets it will carry and waits for them to become readable
/// (<see cref="ConnectAsync"/>, <see cref="WaitReadableAsync"/>). Their sockets must never meet .NET's socket engine:
/// once it has waited on a socket, it watches it until it is closed, and every later readiness change (each request,
/// each answer) wakes its thread and a thread-pool worker for nothing, doubling the daemon's work per request.
/// </para>
/// </summary>
internal sealed class SpliceRelay
{
    private const int MaxEvents = 64;
    private const int Chunk = 64 * 1024;
    private const ulong WakeKey = 0;
    private const ulong SideB = 1; // a pair's B socket: its key with the low bit set (every key is even)
    private const uint Readable = Native.EPOLLIN | SpliceNative.EPOLLRDHUP;
    private const uint Interest = Native.EPOLLIN | SpliceNative.EPOLLOUT | SpliceNative.EPOLLRDHUP | SpliceNative.EPOLLET;

    private static readonly Lazy<SpliceRelay> SharedRelay = new(Create);

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentDictionary<ulong, Pair> _pairs = new();
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly Dictionary<ulong, (Wait Wait, int Index)> _waits = new(); // the loop's thread only
    private long _nextKey;

    private SpliceRelay(int epoll, int wake)
    {
        _epoll = epoll;
        _wake = wake;
        new Thread(Loop) { IsBackground = true, Name = "sup-splice" }.Start();
    }

    /// <summary>The process's relay.</summary>
    /// <exception cref="IOException">it cannot be made (no epoll set or eventfd)</exception>
    public static SpliceRelay Shared => SharedRelay.Value;

    private static SpliceRelay Create()
    {
        var epoll = Native.epoll_create1(Native.O_CLOEXEC);
        if (epoll < 0) throw new IOException($"epoll_create1: errno {Marshal.GetLastPInvokeError()}");
        var wake = SpliceNative.eventfd(0, SpliceNative.EFD_CLOEXEC | SpliceNative.EFD_NONBLOCK);
        if (wake < 0 || Control(epoll, Native.EPOLL_CTL_ADD, wake, Native.EPOLLIN, WakeKey) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            Native.close(epoll);
            throw new IOException($"eventfd: errno {error}");
        }
        return new SpliceRelay(epoll, wake);
    }

    /// <summary>Connects <paramref name="socket"/> (a new TCP socket, made non-blocking here) to
    /// <paramref name="target"/>, waiting on the relay's thread.</summary>
    /// <exception cref="SocketException">refused or unreachable</exception>
    /// <exception cref="OperationCanceledException">cancelled</exception>
    public async Task ConnectAsync(Socket socket, EndPoint target, CancellationToken cancel)
    {
        socket.Blocking = false; // plain syscalls from .NET's synchronous calls, never its engine
        try
        {
            socket.Connect(target);
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress) { }
        // On this host the handshake is usually over when connect(2) returns: wait only for one that is not.
        if (!socket.Poll(0, SelectMode.SelectWrite)) await WaitAsync([socket], SpliceNative.EPOLLOUT, cancel).ConfigureAwait(false);
        PodSockets.ThrowIfFailed(socket);
    }

    /// <summary>Which of <paramref name="sockets"/> (their index) first has something to read, has been closed by
    /// its peer or has failed; nothing is consumed. The sockets are made non-blocking.</summary>
    /// <exception cref="OperationCanceledException">cancelled</exception>
    public Task<int> WaitReadableAsync(Socket[] sockets, CancellationToken cancel)
    {
        foreach (var socket in sockets) socket.Blocking = false;
        return WaitAsync(sockets, Readable, cancel);
    }

    private async Task<int> WaitAsync(Socket[] sockets, uint events, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var wait = new Wait(sockets, events);
        Post(() => Begin(wait));
        await using var registration = cancel.Register(() => Post(() => End(wait, Wait.Cancelled)));
        return await wait.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Relays between <paramref name="a"/> and <paramref name="b"/> (connected; made non-blocking here) until
    /// both directions end. True: both ended cleanly; false: one side failed or was reset (reset the other). The caller
    /// closes the sockets after. <paramref name="cancel"/> ends the pair early (false).</summary>
    /// <exception cref="IOException">the pair could not be set up (no pipes): relay it another way</exception>
    public async Task<bool> RelayAsync(Socket a, Socket b, CancellationToken cancel)
    {
        a.Blocking = false;
        b.Blocking = false;
        var pair = new Pair(NewKey(), a, b);
        pair.Open();
        _pairs[pair.Key] = pair;
        if (Control(_epoll, Native.EPOLL_CTL_ADD, pair.A.Fd, Interest, pair.Key) != 0
            || Control(_epoll, Native.EPOLL_CTL_ADD, pair.B.Fd, Interest, pair.Key | SideB) != 0)
        {
            _pairs.TryRemove(pair.Key, out _);
            Control(_epoll, Native.EPOLL_CTL_DEL, pair.A.Fd, 0, 0);
            pair.Release();
            throw new IOException($"epoll_ctl: errno {Marshal.GetLastPInvokeError()}");
        }
        await using var registration = cancel.Register(() => Post(() => Finish(pair, clean: false)));
        return await pair.Done.Task.ConfigureAwait(false);
    }

    private ulong NewKey() => (ulong)Interlocked.Add(ref _nextKey, 2);

    /// <summary>Runs <paramref name="action"/> on the relay's thread.</summary>
    private unsafe void Post(Action action)
    {
        _posted.Enqueue(action);
        ulong one = 1;
        SpliceNative.write(_wake, (byte*)&one, sizeof(ulong));
    }

    private unsafe void Loop()
    {
        var events = stackalloc byte[MaxEvents * Native.EpollEventSize];
        while (true)
        {
            var n = Native.epoll_wait(_epoll, events, MaxEvents, -1);
            for (var i = 0; i < n; i++)
            {
                var key = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(events + i * Native.EpollEventSize + Native.EpollDataOffset, 8));
                if (key == WakeKey)
                {
                    ulong count;
                    Native.read(_wake, (byte*)&count, sizeof(ulong));
                    while (_posted.TryDequeue(out var action)) action();
                    continue;
                }
                if (_pairs.TryGetValue(key & ~SideB, out var pair))
                {
                    var ready = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(events + i * Native.EpollEventSize, 4));
                    if (!pair.Moved(ready, (key & SideB) == 0)) Finish(pair, clean: false);
                    else if (pair.AtoB.Ended && pair.BtoA.Ended) Finish(pair, clean: true);
                }
                else if (_waits.TryGetValue(key, out var waiting)) End(waiting.Wait, waiting.Index);
            }
        }
    }

    private void Finish(Pair pair, bool clean)
    {
        if (!_pairs.TryRemove(pair.Key, out _)) return;
        Control(_epoll, Native.EPOLL_CTL_DEL, pair.A.Fd, 0, 0);
        Control(_epoll, Native.EPOLL_CTL_DEL, pair.B.Fd, 0, 0);
        pair.Release();
        pair.Done.TrySetResult(clean);
    }

    /// <summary>Registers a wait's sockets (on the loop's thread, as every change to a wait is made).</summary>
    private void Begin(Wait wait)
    {
        for (var i = 0; i < wait.Sockets.Length && !wait.Ended; i++)
        {
            var key = NewKey();
            try { wait.Sockets[i].Open(); }
            catch (ObjectDisposedException e)
            {
                End(wait, Wait.Failed, e);
                return;
            }
            wait.Keys[i] = key;
            _waits[key] = (wait, i);
            if (Control(_epoll, Native.EPOLL_CTL_ADD, wait.Sockets[i].Fd, wait.Events | SpliceNative.EPOLLONESHOT, key) != 0)
                End(wait, Wait.Failed, new IOException($"epoll_ctl: errno {Marshal.GetLastPInvokeError()}"));
        }
    }

    /// <summary>Ends a wait (once): its sockets leave the epoll set, then its task completes with
    /// <paramref name="result"/> (the index of the socket that became ready), cancelled, or failed.</summary>
    private void End(Wait wait, int result, Exception? failure = null)
    {
        if (wait.Ended) return;
        wait.Ended = true;
        for (var i = 0; i < wait.Sockets.Length; i++)
        {
            if (wait.Keys[i] == 0) continue;
            _waits.Remove(wait.Keys[i]);
            Control(_epoll, Native.EPOLL_CTL_DEL, wait.Sockets[i].Fd, 0, 0);
            wait.Sockets[i].Release();
        }
        if (result >= 0) wait.Done.TrySetResult(result);
        else if (result == Wait.Cancelled) wait.Done.TrySetCanceled();
        else wait.Done.TrySetException(failure!);
    }

    private static unsafe int Control(int epoll, int op, int fd, uint events, ulong key)
    {
        var ev = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(ev, 4), events);
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(ev + Native.EpollDataOffset, 8), key);
        return Native.epoll_ctl(epoll, op, fd, ev);
    }

    /// <summary>Sockets waited on until one of them is ready for <see cref="Events"/>.</summary>
    private sealed class Wait(Socket[] sockets, uint events)
    {
        public const int Cancelled = -1;
        public const int Failed = -2;

        public Held[] Sockets { get; } = sockets.Select(s => new Held(s)).ToArray();
        public ulong[] Keys { get; } = new ulong[sockets.Length];
        public uint Events { get; } = events;
        public bool Ended { get; set; }
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Held(Socket socket)
    {
        private bool _added;

        public int Fd { get; private set; } = -1;

        public void Open()
        {
            socket.SafeHandle.DangerousAddRef(ref _added);
            Fd = (int)socket.SafeHandle.DangerousGetHandle();
        }

        public void Release()
        {
            if (_added) socket.SafeHandle.DangerousRelease();
            _added = false;
        }
    }

    private sealed class Pair(ulong key, Socket a, Socket b)
    {
        public ulong Key { get; } = key;
        public Held A { get; } = new(a);
        public Held B { get; } = new(b);
        public Direction AtoB { get; private set; } = null!;
        public Direction BtoA { get; private set; } = null!;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open()
        {
            A.Open();
            B.Open();
            try
            {
                AtoB = new Direction(A, B);
                BtoA = new Direction(B, A);
            }
            catch
            {
                AtoB?.Close();
                Release();
                throw;
            }
        }

        /// <summary>Moves what one socket's readiness (<paramref name="ready"/>, of A or of B) lets move: what it has
        /// to read, and what was waiting for room in it. Each event pumps only the directions it concerns, so that a
        /// request costs no read of the other side that would only say "nothing". False when a socket failed.</summary>
        public bool Moved(uint ready, bool ofA)
        {
            var (outOf, into) = ofA ? (AtoB, BtoA) : (BtoA, AtoB);
            var ok = true;
            if ((ready & (Native.EPOLLIN | SpliceNative.EPOLLRDHUP | SpliceNative.EPOLLHUP | SpliceNative.EPOLLERR)) != 0) ok &= outOf.Pump();
            if ((ready & (SpliceNative.EPOLLHUP | SpliceNative.EPOLLERR)) != 0 || ((ready & SpliceNative.EPOLLOUT) != 0 && into.Blocked)) ok &= into.Pump();
            return ok;
        }

        public void Release()
        {
            AtoB?.Close();
            BtoA?.Close();
            A.Release();
            B.Release();
        }
    }

    /// <summary>One direction: from one socket into its pipe, from the pipe into the other socket.</summary>
    private sealed class Direction
    {
        private readonly Held _from;
        private readonly Held _to;
        private readonly int _pipeRead;
        private readonly int _pipeWrite;
        private long _inPipe;
        private bool _eof;
        private bool _closed;

        public unsafe Direction(Held from, Held to)
        {
            _from = from;
            _to = to;
            var fds = stackalloc int[2];
            if (Native.pipe2(fds, Native.O_CLOEXEC | Native.O_NONBLOCK) != 0)
                throw new IOException($"pipe2: errno {Marshal.GetLastPInvokeError()}");
            _pipeRead = fds[0];
            _pipeWrite = fds[1];
        }

        /// <summary>The source ended and all it sent was passed on (the other side was shut down for writing).</summary>
        public bool Ended { get; private set; }

        /// <summary>What the source sent waits in the pipe for room in the destination (its EPOLLOUT resumes it).</summary>
        public bool Blocked { get; private set; }

        /// <summary>Moves what can move now. False when a socket failed (the pair ends as a reset).</summary>
        public bool Pump()
        {
            Blocked = false;
            while (!Ended)
            {
                if (_inPipe > 0)
                {
                    var sent = SpliceNative.splice(_pipeRead, 0, _to.Fd, 0, (nuint)_inPipe, SpliceNative.SPLICE_F_MOVE | SpliceNative.SPLICE_F_NONBLOCK);
                    if (sent < 0)
                    {
                        var error = Marshal.GetLastPInvokeError();
                        if (error == Native.EINTR) continue;
                        Blocked = error == Native.EAGAIN; // the socket's buffer is full: its EPOLLOUT brings us back
                        return Blocked;
                    }
                    _inPipe -= sent;
                    continue;
                }
                if (_eof)
                {
                    SpliceNative.shutdown(_to.Fd, SpliceNative.SHUT_WR);
                    Ended = true;
                    return true;
                }
                var read = SpliceNative.splice(_from.Fd, 0, _pipeWrite, 0, Chunk, SpliceNative.SPLICE_F_MOVE | SpliceNative.SPLICE_F_NONBLOCK);
                if (read < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == Native.EINTR) continue;
                    return error == Native.EAGAIN; // nothing more to read until the next edge
                }
                if (read == 0) _eof = true;
                _inPipe += read;
            }
            return true;
        }

        public void Close()
        {
            if (_closed) return;
            _closed = true;
            Native.close(_pipeRead);
            Native.close(_pipeWrite);
        }
    }
}
