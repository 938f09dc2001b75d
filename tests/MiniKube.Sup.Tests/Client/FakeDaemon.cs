using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Tests.Client;

/// <summary>An HTTP server on &lt;state-dir&gt;/sup.sock that answers every request with what the test says: the
/// client side of the CLI talks to it as to the daemon, through the real socket and HTTP stack.</summary>
internal sealed class FakeDaemon : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeDaemon(string stateDir, WebApplication app)
    {
        StateDir = stateDir;
        _app = app;
    }

    public string StateDir { get; }

    /// <summary>Each request as it came: path and query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakeDaemon> StartAsync(Func<HttpContext, Task> answer)
    {
        var stateDir = Directory.CreateTempSubdirectory("sup-client-test-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(Path.Combine(stateDir, "sup.sock")));
        var app = builder.Build();
        var daemon = new FakeDaemon(stateDir, app);
        app.Run(ctx =>
        {
            daemon.Requests.Enqueue(ctx.Request.Path + ctx.Request.QueryString);
            return answer(ctx);
        });
        await app.StartAsync();
        return daemon;
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(StateDir, recursive: true);
    }
}
