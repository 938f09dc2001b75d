using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>Starts the supervisor once the host has started everything else, reloads the manifest files on SIGHUP,
/// and stops every pod, in parallel, when the host stops.</summary>
/// <remarks>The pods start in <see cref="StartedAsync"/>, after every hosted service's StartAsync — Kestrel's binds
/// the API's listeners there — and before the host reports itself started (systemd's READY=1): a listener that
/// cannot be bound fails the start before any pod runs.</remarks>
internal sealed class SupervisorService(Supervisor supervisor, TimeProvider time, ILoggerFactory loggers) : IHostedLifecycleService, IAsyncDisposable
{
    private PosixSignalRegistration? _sighup;
    private readonly CancellationTokenSource _stopping = new();
    private Task _settling = Task.CompletedTask;

    /// <summary>Whether the supervisor was started (so may have pods to stop), even if its start then failed.</summary>
    public bool Started { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        Started = true;
        await supervisor.StartAsync().ConfigureAwait(false);
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it does not end the daemon
            _ = Task.Run(supervisor.Reload);
        });
        var settling = new StartupSettling(supervisor.Store, time, loggers.CreateLogger("sup"));
        _settling = Task.Run(() => settling.RunAsync(_stopping.Token));
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Not abandoned when the host's token fires: every pod gets its whole grace period (it may have
    /// been applied through the API with one longer than anything in the files), then SIGKILL, so the stop is
    /// bounded by the pods' own grace periods.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopSupervisorAsync();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After a start that failed part-way: stops whatever pods it started (the host does not stop
    /// services when its start fails).</summary>
    public Task StopAfterFailedStartAsync() => Started ? StopSupervisorAsync() : Task.CompletedTask;

    private async Task StopSupervisorAsync()
    {
        _sighup?.Dispose();
        _sighup = null;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _settling.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await supervisor.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        await supervisor.DisposeAsync().ConfigureAwait(false);
    }
}
