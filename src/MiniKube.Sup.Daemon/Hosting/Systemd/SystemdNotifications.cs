using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>
/// Tells systemd (Type=notify) how the daemon is: READY=1 once the API answers and the files' objects are applied
/// (<see cref="ApiAnswered"/>), or with --ready-when all-ready once <see cref="AllReady"/> also holds; STATUS= with
/// the pod counts; STOPPING=1 as the orderly stop begins; WATCHDOG=1 pings. Each look reads the store, so a ping
/// says the store answers, not only that a timer fires; the looks go on while the pods stop (systemd may still
/// watch) and end once the host has stopped. Does nothing without NOTIFY_SOCKET.
/// </summary>
internal sealed partial class SystemdNotifications(Supervisor supervisor, NotifySocket socket, ReadyWhen readyWhen, TimeProvider time,
    ILogger<SystemdNotifications> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly NotifyPlan _plan = new(socket.Watchdog);
    private volatile bool _apiAnswered;
    private volatile bool _stopping;
    private Task _loop = Task.CompletedTask;
    private bool _sendFailed;
    private int _disposed;

    /// <summary>The API serves on its socket and the files are applied: the daemon is up.</summary>
    public void ApiAnswered() => _apiAnswered = true;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (socket.Enabled) _loop = LookAsync(_stop.Token);
        return Task.CompletedTask;
    }

    /// <summary>Before any service stops: the stop has begun.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        Send("STOPPING=1");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every service has stopped (the pods too).</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken) => await EndLoopAsync().ConfigureAwait(false);

    private async Task LookAsync(CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(_plan.LookInterval, time);
        try
        {
            do Look();
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            // The store did not answer: the pings stop, so that systemd's watchdog restarts the daemon.
            LogLookFailed(logger, e.Message);
        }
    }

    private void Look()
    {
        var pods = supervisor.Store.List(Kinds.Pod.Kind).Select(o => o.As<k8s.Models.V1Pod>());
        var status = PodCounts.Of(pods).ToString();
        // Never READY=1 after STOPPING=1: a daemon that stops before it was ready never was.
        var ready = _apiAnswered && !_stopping && (readyWhen == ReadyWhen.Api || AllReady.Check(supervisor.Store));
        if (_plan.Next(time.GetUtcNow(), status, ready) is { } message) Send(message);
    }

    private void Send(string message)
    {
        if (!socket.Enabled || socket.Send(message) || _sendFailed) return;
        _sendFailed = true; // said once: a gone systemd must not flood the log
        LogSendFailed(logger);
    }

    private async Task EndLoopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>The host and its service provider both dispose it: the second time does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await EndLoopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot send to systemd's NOTIFY_SOCKET (said once; the daemon keeps trying)")]
    private static partial void LogSendFailed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "the store did not answer ({Reason}): no more systemd notifications, watchdog pings included")]
    private static partial void LogLookFailed(ILogger logger, string reason);
}
