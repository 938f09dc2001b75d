using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
/// </summary>
internal sealed class SpliceRelay
{
    private const int MaxEvents = 64;
    private const int Chunk = 64 * 1024;
    private const ulong WakeKey = 0;

    private static readonly Lazy<SpliceRelay?> SharedRelay = new(Create);

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentDictionary<ulong, Pair> _pairs = new();
    private readonly ConcurrentQueue<Pair> _aborts = new();
    private long _nextKey;

    private SpliceRelay(int epoll, int wake)
    {
        _epoll = epoll;
        _wake = wake;
        new Thread(Loop) { IsBackground = true, Name = "sup-splice" }.Start();
    }

    /// <summary>The process's relay, or null where it cannot be made (no epoll, eventfd or pipes).</summary>
    public static SpliceRelay? Shared => SharedRelay.Value;

    private static SpliceRelay? Create()
    {
        var epoll = Native.epoll_create1(Native.O_CLOEXEC);
        if (epoll < 0) return null;
        var wake = SpliceNative.eventfd(0, SpliceNative.EFD_CLOEXEC | SpliceNative.EFD_NONBLOCK);
        if (wake < 0 || Control(epoll, Native.EPOLL_CTL_ADD, wake, Native.EPOLLIN, WakeKey) != 0)
        {
            Native.close(epoll);
            return null;
        }
        return new SpliceRelay(epoll, wake);
    }

    /// <summary>Relays between <paramref name="a"/> and <paramref name="b"/> (connected, non-blocking) until both
    /// directions end. True: both ended cleanly; false: one side failed or was reset (reset the other). The caller
    /// closes the sockets after. <paramref name="cancel"/> ends the pair early (false).</summary>
    /// <exception cref="IOException">the pair could not be set up (no pipes): relay it another way</exception>
    public async Task<bool> RelayAsync(Socket a, Socket b, CancellationToken cancel)
    {
        var pair = new Pair((ulong)Interlocked.Increment(ref _nextKey), a, b);
        pair.Open();
        _pairs[pair.Key] = pair;
        if (Control(_epoll, Native.EPOLL_CTL_ADD, pair.A.Fd, Interest, pair.Key) != 0
            || Control(_epoll, Native.EPOLL_CTL_ADD, pair.B.Fd, Interest, pair.Key) != 0)
        {
            _pairs.TryRemove(pair.Key, out _);
            Control(_epoll, Native.EPOLL_CTL_DEL, pair.A.Fd, 0, 0);
            pair.Release();
            throw new IOException($"epoll_ctl: errno {Marshal.GetLastPInvokeError()}");
        }
        await using var registration = cancel.Register(() => Abort(pair));
        return await pair.Done.Task.ConfigureAwait(false);
    }

    private const uint Interest = Native.EPOLLIN | SpliceNative.EPOLLOUT | SpliceNative.EPOLLRDHUP | SpliceNative.EPOLLET;

    private unsafe void Abort(Pair pair)
    {
        _aborts.Enqueue(pair);
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
                    while (_aborts.TryDequeue(out var aborted)) Finish(aborted, clean: false);
                    continue;
                }
                if (!_pairs.TryGetValue(key, out var pair)) continue;
                var ok = pair.AtoB.Pump() & pair.BtoA.Pump();
                if (!ok) Finish(pair, clean: false);
                else if (pair.AtoB.Ended && pair.BtoA.Ended) Finish(pair, clean: true);
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

    private static unsafe int Control(int epoll, int op, int fd, uint events, ulong key)
    {
        var ev = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(ev, 4), events);
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(ev + Native.EpollDataOffset, 8), key);
        return Native.epoll_ctl(epoll, op, fd, ev);
    }

    /// <summary>A socket the relay holds a reference on (its descriptor stays open until released).</summary>
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

        /// <summary>Moves what can move now. False when a socket failed (the pair ends as a reset).</summary>
        public bool Pump()
        {
            while (!Ended)
            {
                if (_inPipe > 0)
                {
                    var sent = SpliceNative.splice(_pipeRead, 0, _to.Fd, 0, (nuint)_inPipe, SpliceNative.SPLICE_F_MOVE | SpliceNative.SPLICE_F_NONBLOCK);
                    if (sent < 0)
                    {
                        var error = Marshal.GetLastPInvokeError();
                        if (error == Native.EINTR) continue;
                        return error == Native.EAGAIN; // the socket's buffer is full: its EPOLLOUT brings us back
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
