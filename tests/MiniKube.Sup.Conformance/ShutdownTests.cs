using k8s;
using k8s.Models;

namespace MiniKube.Sup.Conformance;

/// <summary>
/// A client we did not write may hold a watch open for as long as it likes (kubectl get -w, an informer): the
/// daemon must still stop its pods and exit 0 on SIGTERM, leaving nothing behind. Its own daemon, stopped by the
/// test itself.
/// </summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private readonly DaemonFixture _daemon = new();

    public Task InitializeAsync() => _daemon.InitializeAsync();

    public Task DisposeAsync() => _daemon.DisposeAsync();

    [Fact]
    public async Task SIGTERM_while_an_official_client_watch_is_open_stops_the_pods_and_exits_0()
    {
        var pids = _daemon.Record(await _daemon.WaitRunningAsync(DaemonFixture.Talker));
        Assert.NotEmpty(pids);

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = System.Threading.Channels.Channel.CreateUnbounded<(WatchEventType Type, V1Pod Pod)>();
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in _daemon.Client.CoreV1.WatchListNamespacedPodAsync(DaemonFixture.Namespace, cancellationToken: cancel.Token))
                    events.Writer.TryWrite(e);
            }
            catch (Exception) { /* the daemon going away ends the watch: expected here */ }
            finally { events.Writer.TryComplete(); }
        });
        try
        {
            // The watch is open once the existing pod has arrived as ADDED.
            using (var first = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                while (true)
                {
                    var e = await events.Reader.ReadAsync(first.Token);
                    if (e.Pod.Metadata.Name == DaemonFixture.Talker) break;
                }
            }

            var started = DateTime.UtcNow;
            var code = await _daemon.StopAsync();
            var took = DateTime.UtcNow - started;
            var left = await _daemon.LeftBehindAsync();
            Assert.True(code == 0 && left.Count == 0,
                $"with a watch open, SIGTERM gave exit code {code?.ToString() ?? "none (killed after 30 s)"} after {took.TotalSeconds:0.0} s " +
                $"and left [{string.Join(", ", left)}] running (expected exit 0, nothing left); daemon output:\n{_daemon.Output}");
            Assert.Contains("all pods stopped", _daemon.Output);
        }
        finally
        {
            await cancel.CancelAsync();
            await pump.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }
}
