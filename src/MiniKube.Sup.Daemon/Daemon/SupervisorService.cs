using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace MiniKube.Sup.Cli.Daemon;

/// <summary>Starts the supervisor with the host, reloads the manifest files on SIGHUP, and stops every pod, in
/// parallel, when the host stops.</summary>
internal sealed class SupervisorService(Supervisor supervisor) : IHostedService, IAsyncDisposable
{
    private PosixSignalRegistration? _sighup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        supervisor.Start();
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it does not end the daemon
            _ = Task.Run(supervisor.Reload);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        return supervisor.StopAsync().WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => supervisor.DisposeAsync();
}
