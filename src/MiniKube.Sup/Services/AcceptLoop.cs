using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Services;

/// <summary>Accepts connections on a listening socket, wherever it was made, and hands each to
/// <paramref name="accepted"/>, until disposed (which closes the listener).</summary>
internal sealed partial class AcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Action<Socket> _accepted;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AcceptLoop(Socket listener, Action<Socket> accepted, ILogger logger, string name)
    {
        _listener = listener;
        _accepted = accepted;
        _logger = logger;
        _name = name;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                // EMFILE and the like: log and keep accepting rather than leave the port dead.
                LogAcceptFailed(_logger, e, _name);
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }
            _accepted(client);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: accept failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception e, string name);
}
