using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace MiniKube.Sup.Cli.Daemon;

/// <summary>Starts the supervisor with the host, reloads the manifest files on SIGHUP, and stops every pod, in
/// parallel, when the host stops.</summary>
internal sealed class SupervisorService(Supervisor supervisor) : IHostedService, IAsyncDisposable
{
    private PosixSignalRegistration? _sighup;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await supervisor.StartAsync().ConfigureAwait(false);
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it does not end the daemon
            _ = Task.Run(supervisor.Reload);
        });
    }

    /// <summary>Not abandoned when the host's token fires: every pod gets its whole grace period (it may have
    /// been applied through the API with one longer than anything in the files), then SIGKILL, so the stop is
    /// bounded by the pods' own grace periods.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        return supervisor.StopAsync();
    }

    public ValueTask DisposeAsync() => supervisor.DisposeAsync();
}
