using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Daemon.Dashboard;
using MiniKube.Sup.Daemon.Hosting.Logging;
using MiniKube.Sup.Daemon.Hosting.Systemd;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Spec;
using Serilog;
using Serilog.Events;
using Serilog.Sinks.SystemConsole.Themes;
using MiniKube.Sup.Client.Terminal;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>The daemon: a Generic Host (WebApplication, for Kestrel) that runs the supervisor and serves the API
/// on &lt;state-dir&gt;/sup.sock (and optionally on a loopback TCP port with a bearer token). SIGINT/SIGTERM stop it
/// gracefully within a shutdown timeout longer than the longest pod grace period; SIGHUP reloads the files;
/// with NOTIFY_SOCKET it notifies systemd (<see cref="SystemdNotifications"/>).</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(SupervisorOptions options, ManifestLoadResult manifests, IPEndPoint? listen, HostingOptions hosting, CancellationToken cancel)
    {
        var json = hosting.LogFormat == LogFormat.Json;
        var live = !json && LiveView.Enabled;
        var logging = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // A failed start is said once, in one line, below; not also as the host's error with a stack trace.
            .Filter.ByExcluding(IsHostStartFault);
        // Off a terminal the console sink writes no colour codes (its themes apply to redirected output only when told to).
        // On a terminal the colours are ANSI codes in the text (the system theme sets them through the console
        // around the text, which the live view's line writer would see out of order).
        Log.Logger = (json ? logging.WriteTo.Console(new JsonLogFormatter())
            : logging.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                theme: TerminalScreen.IsTerminal(1) && TerminalScreen.Colour ? AnsiConsoleTheme.Literate : ConsoleTheme.None)).CreateLogger();
        // Read (and removed from the environment the pods inherit) before anything else is built.
        var notify = NotifySocket.FromEnvironment();
        // The API is always served on loopback TCP too (token and TLS), on an ephemeral port unless --listen names
        // one: pods find it in KUBERNETES_SERVICE_HOST/PORT as in a cluster. The ephemeral socket is bound here, so
        // that its port is known before anything that tells pods about it is built.
        var ephemeral = listen is null ? BindEphemeral() : null;
        var endpoint = listen ?? ephemeral!.Value.EndPoint;
        options = options with { ApiEndPoint = new IPEndPoint(TcpListenerCredentials.LocalAddress(endpoint.Address), endpoint.Port) };
        var socket = new ApiSocket(options.StateDir);
        var started = false;
        try
        {
            if (socket.Prepare() is { } problem)
            {
                Console.Error.WriteLine($"sup: {problem}");
                return ExitCodes.CannotStart;
            }
            var credentials = TcpListenerCredentials.Create(options.StateDir, endpoint);
            var accounts = new ServiceAccountTokens(credentials.CertificatePem);
            options = options with { ServiceAccounts = accounts };
            // The host's content root is the program's directory and its configuration files are not watched: by
            // default it is the working directory, whose appsettings.json (a user's app's) the daemon would read,
            // and whose whole tree (a project's, the default ./.sup with every pod's directory) it would watch with
            // inotify, one watch and one object per directory, growing with the pods.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(manifests);
            if (json) builder.Services.AddSingleton<Runtime.IContainerOutput>(new JsonContainerOutput(TimeProvider.System, Console.Out));
            else if (live) builder.Services.AddSingleton<Runtime.IContainerOutput, LiveContainerOutput>();
            else builder.Services.AddSingleton<Runtime.IContainerOutput, ConsoleContainerOutput>();
            builder.Services.AddSingleton<Supervisor>();
            builder.Services.AddSingleton<SupervisorService>();
            if (live)
            {
                // Before the supervisor's service: hosted services stop in reverse order, and the view must outlive
                // the stop it shows.
                builder.Services.AddSingleton(new LiveScreen(Console.Out, TerminalScreen.IsTerminal(2) ? Console.Error : null));
                builder.Services.AddHostedService<LiveView>();
            }
            builder.Services.AddHostedService(services => services.GetRequiredService<SupervisorService>());
            // Not the package's AddSystemd: it activates only when the parent is systemd (see NotifySocket).
            builder.Services.AddSingleton(notify);
            builder.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<SystemdNotifications>(services, hosting.ReadyWhen));
            builder.Services.AddHostedService(services => services.GetRequiredService<SystemdNotifications>());
            // The supervisor's stop is bounded by the pods' grace periods (see SupervisorService.StopAsync).
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = ApiErrors.MaxRequestBodyBytes;
                k.ListenUnixSocket(socket.BindPath);
                if (ephemeral is not null) k.ListenHandle(ephemeral.Value.Descriptor, l => l.UseHttps(credentials.Certificate));
                else k.Listen(endpoint, l => l.UseHttps(credentials.Certificate));
            });
            await using var app = builder.Build();
            var supervisor = app.Services.GetRequiredService<Supervisor>();
            app.Use(new ApiErrors(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("sup.api")).HandleAsync);
            app.Use((ctx, next) => Authorize(ctx, next, credentials.Token, accounts));
            // kubectl exec is a WebSocket (v5.channel.k8s.io); client-go pings it, and ASP.NET answers the pings.
            app.UseWebSockets();
            supervisor.Api.Stopping = app.Lifetime.ApplicationStopping;
            supervisor.PodMetrics.Map(app); // before the kinds' routes: its literal paths win over their parameters
            supervisor.Api.Map(app);
            app.MapGet("/metrics", supervisor.MetricsEndpoint.HandleAsync);
            app.MapGet("/sup/v1/processes", ctx =>
            {
                ctx.Response.ContentType = "application/json";
                return ctx.Response.WriteAsync(ProcessViewJson.Serialize(supervisor.ProcessView.Build(ctx.Request.Query["pod"].FirstOrDefault())));
            });
            // Where the pod agent set up a pod's volumes (a runtime fact, kept with the running pod, not in the
            // store: the agent writes status only). `describe pod` shows it.
            app.MapGet("/sup/v1/volumes", ctx =>
            {
                var ns = ctx.Request.Query["namespace"].FirstOrDefault() ?? Store.ObjectKey.DefaultNamespace;
                var worker = ctx.Request.Query["pod"].FirstOrDefault() is { } pod ? supervisor.Pods.Worker(pod, ns) : null;
                ctx.Response.ContentType = "text/plain";
                return ctx.Response.WriteAsync(worker?.Snapshot.Metadata.Annotations?.TryGetValue(Volumes.VolumeAnnotation.Key, out var v) == true ? v : "");
            });
            app.MapPost("/sup/v1/reload", ctx =>
            {
                var result = supervisor.Reload();
                ctx.Response.StatusCode = result.Succeeded ? 200 : 422;
                return ctx.Response.WriteAsync(result.Succeeded ? "reloaded\n" : string.Join("\n", result.Errors) + "\n");
            });
            app.MapGet("/healthz", ctx => ctx.Response.WriteAsync("ok"));
            DashboardAssets.Map(app);

            try
            {
                // Kestrel binds every listener before the supervisor starts a pod (SupervisorService.StartedAsync).
                await app.StartAsync(cancel).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Whatever did start is stopped: a daemon that cannot serve its API leaves nothing running.
                await app.Services.GetRequiredService<SupervisorService>().StopAfterFailedStartAsync().ConfigureAwait(false);
                throw;
            }
            started = true;
            socket.Publish();
            app.Services.GetRequiredService<SystemdNotifications>().ApiAnswered();
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("sup").LogInformation(
                "API on https://{Endpoint} (token in {StateDir}/token); kubectl: KUBECONFIG={Kubeconfig} kubectl get pods; web dashboard: sup dashboard",
                endpoint, options.StateDir, credentials.KubeconfigPath);
            await app.WaitForShutdownAsync(cancel).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception e) when (!started)
        {
            // SPEC §4: exit 3, and one line that says why (socket, listener, state dir, database), never a stack trace.
            Console.Error.WriteLine($"sup: cannot start: {OneLine(e)}");
            return ExitCodes.CannotStart;
        }
        finally
        {
            socket.Remove();
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A listening socket on 127.0.0.1 with a port the kernel picks, handed over to Kestrel by its descriptor:
    /// Kestrel owns and closes it from then on, so the Socket that made it lets go of it (a second close could close
    /// whatever descriptor took the number meanwhile).</summary>
    private static (IPEndPoint EndPoint, ulong Descriptor)? BindEphemeral()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(512);
            var endPoint = (IPEndPoint)socket.LocalEndPoint!;
            var descriptor = (ulong)socket.SafeHandle.DangerousGetHandle().ToInt64();
            socket.SafeHandle.SetHandleAsInvalid();
            return (endPoint, descriptor);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The messages of an exception and of what it wraps, on one line, without repeats.</summary>
    private static string OneLine(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : x.InnerException)
        {
            if (x is AggregateException { InnerExceptions.Count: > 1 } many)
            {
                parts.AddRange(many.InnerExceptions.Select(OneLine));
                break;
            }
            var message = x.Message.ReplaceLineEndings(" ").Trim();
            if (message.Length > 0 && !parts.Any(p => p.Contains(message.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))) parts.Add(message);
        }
        return string.Join(": ", parts);
    }

    /// <summary>The host's own "Hosting failed to start" error (with the exception's stack trace).</summary>
    private static bool IsHostStartFault(LogEvent e) =>
        e.Level >= LogEventLevel.Error && e.MessageTemplate.Text == "Hosting failed to start";

    /// <summary>The Unix socket is its user's; on TCP the daemon's token may do anything, a pod's service account token
    /// only what <see cref="ServiceAccountTokens.Allows"/> grants (403 otherwise, as RBAC answers), anything else is 401.</summary>
    private static Task Authorize(HttpContext ctx, RequestDelegate next, string token, ServiceAccountTokens accounts)
    {
        if (ctx.Connection.LocalIpAddress is null) return next(ctx); // the Unix socket
        // The dashboard's page, script and style hold no data: its API calls present the token like any client's.
        if (DashboardAssets.IsAsset(ctx.Request)) return next(ctx);
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return ApiStatus.Unauthorized(ctx);
        var presented = header[7..].Trim();
        if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(token)))
            return next(ctx);
        if (accounts.NamespaceOf(presented) is not { } ns) return ApiStatus.Unauthorized(ctx);
        if (ServiceAccountTokens.Allows(ns, ctx.Request.Method, ctx.Request.Path.Value ?? "")) return next(ctx);
        return ApiStatus.Write(ctx, 403, "Forbidden",
            $"User \"system:serviceaccount:{ns}:default\" cannot {ctx.Request.Method.ToLowerInvariant()} {ctx.Request.Path}: a pod's token reads its own namespace (Secrets excepted) and nothing else",
            null, null);
    }
}
