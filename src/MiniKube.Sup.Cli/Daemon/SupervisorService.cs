using Microsoft.Extensions.Hosting;

namespace MiniKube.Sup.Cli.Daemon;

/// <summary>Starts the supervisor with the host and stops every pod, in parallel, when the host stops.</summary>
internal sealed class SupervisorService(Supervisor supervisor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        supervisor.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => supervisor.StopAsync().WaitAsync(cancellationToken);
}
