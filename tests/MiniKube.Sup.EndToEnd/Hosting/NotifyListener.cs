using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.EndToEnd.Hosting;

/// <summary>A datagram socket of the test's own, standing in for systemd's NOTIFY_SOCKET: a path, or an abstract
/// name (<see cref="Address"/> is what NOTIFY_SOCKET is set to, "@name" for an abstract one). Keeps every message.</summary>
internal sealed class NotifyListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    public NotifyListener(string directory, bool @abstract)
    {
        var name = $"sup-notify-test-{Guid.NewGuid():N}";
        Address = @abstract ? "@" + name : Path.Combine(directory, "notify.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(@abstract ? "\0" + name : Address));
        _receiving = ReceiveAsync();
    }

    public string Address { get; }

    /// <summary>Every datagram received, in order.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Every assignment received (a datagram may hold several, one per line), in order.</summary>
    public List<string> Assignments => Messages.SelectMany(m => m.Split('\n')).ToList();

    public Task WaitForAsync(Func<string, bool> assignment, string what, double seconds = 30) =>
        Poll.Until(() => Assignments.Any(assignment), $"{what}; received: {string.Join(" | ", Messages)}", seconds);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                Messages.Enqueue(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { _receiving.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
        if (!Address.StartsWith('@')) File.Delete(Address);
    }
}
