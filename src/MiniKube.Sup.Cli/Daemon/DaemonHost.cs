using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiniKube.Sup.Spec;
using Serilog;
using Serilog.Events;

namespace MiniKube.Sup.Cli.Daemon;

/// <summary>The daemon is a Generic Host: SIGINT/SIGTERM stop it gracefully, within a shutdown timeout longer
/// than the longest pod grace period; under systemd it notifies READY/STOPPING.</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(SupervisorOptions options, ManifestLoadResult manifests, CancellationToken cancel)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddSerilog();
            builder.Services.AddSystemd();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(manifests);
            builder.Services.AddSingleton<Runtime.IContainerOutput, ConsoleContainerOutput>();
            builder.Services.AddSingleton<Supervisor>();
            builder.Services.AddHostedService<SupervisorService>();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout(manifests));
            using var host = builder.Build();
            await host.RunAsync(cancel).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Longer than any pod's grace period plus the SIGKILL clean-up after it.</summary>
    private static TimeSpan ShutdownTimeout(ManifestLoadResult manifests)
    {
        var longest = manifests.Objects
            .Select(o => o.Model switch
            {
                k8s.Models.V1Pod pod => pod.Spec.TerminationGracePeriodSeconds,
                _ => 30L,
            } ?? 30L)
            .DefaultIfEmpty(30L)
            .Max();
        return TimeSpan.FromSeconds(longest + 15);
    }
}
