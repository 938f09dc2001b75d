using MiniKube.Sup.Spec;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client;

namespace MiniKube.Sup.Tests.Client;

public class ObjectWaiterTests
{
    private const string Web = """{"metadata":{"name":"web","uid":"u1"}}""";

    private static string List(string resourceVersion, params string[] items) =>
        $$"""{"kind":"PodList","metadata":{"resourceVersion":"{{resourceVersion}}"},"items":[{{string.Join(',', items)}}]}""";

    private static string Change(string type, string json) => $$"""{"type":"{{type}}","object":{{json}}}""" + "\n";

    private static bool IsWatch(HttpContext ctx) => ctx.Request.Query["watch"] == "true";

    [Fact]
    public async Task An_object_already_there_as_wanted_is_seen_at_once_without_a_watch()
    {
        await using var daemon = await FakeDaemon.StartAsync(ctx => ctx.Response.WriteAsync(List("7", Web)));
        using var client = new SupClient(daemon.StateDir);

        var (met, json) = await new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j => j is not null, TimeSpan.FromMinutes(1));

        Assert.True(met);
        Assert.Equal(Web, json);
        Assert.Equal("/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb", Assert.Single(daemon.Requests));
    }

    [Fact]
    public async Task A_deletion_is_followed_on_the_watch_from_the_listed_version_of_that_one_object()
    {
        await using var daemon = await FakeDaemon.StartAsync(async ctx =>
        {
            if (!IsWatch(ctx)) { await ctx.Response.WriteAsync(List("7", Web)); return; }
            await ctx.Response.WriteAsync(Change("MODIFIED", Web));
            await ctx.Response.WriteAsync(Change("DELETED", Web));
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        using var client = new SupClient(daemon.StateDir);
        var seen = new List<string?>();

        var (met, json) = await new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j =>
        {
            seen.Add(j);
            return j is null;
        }, TimeSpan.FromMinutes(1));

        Assert.True(met);
        Assert.Null(json);
        Assert.Equal([Web, Web, null], seen);
        Assert.Equal("/api/v1/namespaces/default/pods?watch=true&resourceVersion=7&fieldSelector=metadata.name%3Dweb", daemon.Requests.Last());
    }

    [Fact]
    public async Task A_watch_that_gets_an_ERROR_event_lists_again_and_never_takes_the_Status_for_the_object()
    {
        // A watch from a resourceVersion older than the daemon's history gets one ERROR event holding a 410 Status
        // (ApiWatchTests): that Status is no version of the object, however the wait's condition reads it.
        const string Expired = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 7 (2000)","reason":"Expired","code":410}""";
        var lists = 0;
        await using var daemon = await FakeDaemon.StartAsync(async ctx =>
        {
            if (!IsWatch(ctx)) { await ctx.Response.WriteAsync(Interlocked.Increment(ref lists) == 1 ? List("7") : List("2001", Web)); return; }
            await ctx.Response.WriteAsync($$"""{"type":"ERROR","object":{{Expired}}}""" + "\n");
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        using var client = new SupClient(daemon.StateDir);

        var (met, json) = await new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j => j is not null, TimeSpan.FromMinutes(1));

        Assert.True(met);
        Assert.Equal(Web, json);
        Assert.Equal(2, lists);
    }

    [Fact]
    public async Task A_watch_that_ends_is_listed_and_watched_again()
    {
        var lists = 0;
        await using var daemon = await FakeDaemon.StartAsync(ctx =>
        {
            if (IsWatch(ctx)) return Task.CompletedTask; // the daemon stopping ends every watch at once
            return ctx.Response.WriteAsync(Interlocked.Increment(ref lists) < 3 ? List("7", Web) : List("9"));
        });
        using var client = new SupClient(daemon.StateDir);

        var (met, _) = await new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j => j is null, TimeSpan.FromMinutes(1));

        Assert.True(met);
        Assert.Equal(3, lists);
    }

    [Fact]
    public async Task A_watch_whose_connection_breaks_is_listed_again()
    {
        var lists = 0;
        var watched = new TaskCompletionSource();
        await using var daemon = await FakeDaemon.StartAsync(async ctx =>
        {
            if (!IsWatch(ctx)) { await ctx.Response.WriteAsync(Interlocked.Increment(ref lists) == 1 ? List("7", Web) : List("8")); return; }
            await ctx.Response.WriteAsync(Change("MODIFIED", Web));
            await ctx.Response.Body.FlushAsync();
            await watched.Task;
            ctx.Abort();
        });
        using var client = new SupClient(daemon.StateDir);
        var looks = 0;

        var (met, _) = await new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j =>
        {
            if (++looks == 2) watched.TrySetResult(); // the list, then the watch's first change: now it breaks
            return j is null;
        }, TimeSpan.FromMinutes(1));

        Assert.True(met);
        Assert.Equal(2, lists);
    }

    [Fact]
    public async Task A_daemon_that_goes_away_during_the_wait_is_one_clear_error()
    {
        FakeDaemon? daemon = null;
        daemon = await FakeDaemon.StartAsync(async ctx =>
        {
            if (!IsWatch(ctx)) { await ctx.Response.WriteAsync(List("7", Web)); return; }
            _ = daemon!.StopAsync(); // ends this watch, and nobody answers the next list
        });
        await using var running = daemon;
        using var client = new SupClient(daemon.StateDir);

        var e = await Assert.ThrowsAsync<DaemonUnreachableException>(() =>
            new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j => j is null, TimeSpan.FromMinutes(1)));

        Assert.Contains(client.SocketPath, e.Message);
    }

    [Fact]
    public async Task The_wait_gives_up_when_its_limit_passes_first()
    {
        var watching = new TaskCompletionSource();
        await using var daemon = await FakeDaemon.StartAsync(async ctx =>
        {
            if (!IsWatch(ctx)) { await ctx.Response.WriteAsync(List("7", Web)); return; }
            await ctx.Response.Body.FlushAsync();
            watching.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        using var client = new SupClient(daemon.StateDir);
        var time = new FakeTimeProvider();

        var wait = new ObjectWaiter(client, time).UntilAsync(Kinds.Pod, "web", j => j is null, TimeSpan.FromSeconds(30));
        await watching.Task;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((false, null), await wait);
    }

    [Fact]
    public async Task A_wait_with_no_time_left_still_looks_once()
    {
        await using var daemon = await FakeDaemon.StartAsync(ctx => ctx.Response.WriteAsync(List("7")));
        using var client = new SupClient(daemon.StateDir);

        var (met, _) = await new ObjectWaiter(client, new FakeTimeProvider()).UntilAsync(Kinds.Pod, "web", j => j is null, TimeSpan.Zero);

        Assert.True(met);
    }

    [Fact]
    public async Task An_error_answer_to_the_list_is_the_servers_message()
    {
        await using var daemon = await FakeDaemon.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsync("""{"kind":"Status","status":"Failure","message":"disk full","reason":"InternalError","code":500}""");
        });
        using var client = new SupClient(daemon.StateDir);

        var e = await Assert.ThrowsAsync<ApiException>(() =>
            new ObjectWaiter(client, TimeProvider.System).UntilAsync(Kinds.Pod, "web", j => j is null, TimeSpan.FromMinutes(1)));

        Assert.Equal("Error from server (InternalError): disk full", e.Message);
    }
}
