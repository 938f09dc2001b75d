using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniKube.Sup.Networking;

/// <summary>
/// Another process's network namespace, held open, with a thread of ours parked in it that creates sockets there.
/// A Linux socket belongs for ever to the network namespace of the thread that created it; connect, bind, listen,
/// accept and I/O then work from any thread. setns(2) moves only the calling thread, so the one thread that enters
/// is ours alone (never a thread-pool thread: other work run there would use the wrong network), creates sockets
/// and nothing else, and exits when this is disposed. Holding the namespace's descriptor keeps this object's
/// meaning fixed: the namespace stays the same even when the process it was found through exits and its pid is
/// reused.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    // The thread only ever runs a socket(2) call: it needs no more stack than that.
    private const int StackSize = 256 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly BlockingCollection<Request> _requests = new();
    private readonly Thread _thread;
    private int _disposed;

    private NetworkNamespace(SafeFileHandle handle, string description)
    {
        _handle = handle;
        Description = description;
        _thread = new Thread(Run, StackSize) { IsBackground = true, Name = "netns " + description };
    }

    /// <summary>"the network namespace of process N": what error messages name.</summary>
    public string Description { get; }

    /// <summary>A path to the namespace that another process of ours can open (nsenter --net=), valid while this
    /// is not disposed.</summary>
    internal string Path => $"/proc/{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}/fd/{_handle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Opens the network namespace <paramref name="pid"/> is in (/proc/PID/ns/net) and parks a thread in
    /// it.</summary>
    /// <exception cref="NetworkNamespaceGoneException">the process is gone, or its namespace cannot be entered</exception>
    public static NetworkNamespace OfProcess(int pid)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net";
        var description = $"the network namespace of process {pid.ToString(CultureInfo.InvariantCulture)}";
        var fd = NetworkingNative.open(path, NetworkingNative.O_RDONLY | NetworkingNative.O_CLOEXEC);
        if (fd < 0) throw new NetworkNamespaceGoneException($"cannot open {description} ({path}): {Marshal.GetLastPInvokeErrorMessage()}");
        var ns = new NetworkNamespace(new SafeFileHandle(fd, ownsHandle: true), description);
        try
        {
            ns.Enter();
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>A new socket in this namespace. Completes on a pool thread (never on the namespace's own).</summary>
    /// <exception cref="NetworkNamespaceGoneException">this was disposed</exception>
    public Task<Socket> CreateSocketAsync(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var request = new Request(family, type, protocol);
        try { _requests.Add(request); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromException<Socket>(Released());
        }
        return request.Done.Task;
    }

    /// <summary>A new socket in this namespace; blocks for the few microseconds the namespace's thread takes.</summary>
    /// <exception cref="NetworkNamespaceGoneException">this was disposed</exception>
    public Socket CreateSocket(AddressFamily family, SocketType type, ProtocolType protocol) =>
        CreateSocketAsync(family, type, protocol).GetAwaiter().GetResult();

    private void Enter()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread.Start(entered);
        entered.Task.GetAwaiter().GetResult();
    }

    private void Run(object? state)
    {
        var entered = (TaskCompletionSource)state!;
        var handle = _handle.DangerousGetHandle().ToInt32();
        if (NetworkingNative.setns(handle, NetworkingNative.CLONE_NEWNET) != 0)
        {
            entered.SetException(new NetworkNamespaceGoneException($"cannot enter {Description}: {Marshal.GetLastPInvokeErrorMessage()}"));
            return;
        }
        entered.SetResult();
        // From here on this thread is in the other namespace: it runs these requests and nothing else.
        foreach (var request in _requests.GetConsumingEnumerable()) request.Run();
    }

    private NetworkNamespaceGoneException Released() => new($"{Description} was let go (the pod's network is gone)");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _requests.CompleteAdding();
        // The thread drains what was queued, then exits; only then may the descriptor close.
        if (_thread.IsAlive) _thread.Join();
        _handle.Dispose();
        _requests.Dispose();
    }

    private sealed class Request(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        // Continuations run on the pool: the namespace's thread must never run the caller's code.
        public TaskCompletionSource<Socket> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run()
        {
            try { Done.SetResult(new Socket(family, type, protocol)); }
            catch (Exception e) { Done.SetException(e); }
        }
    }
}
