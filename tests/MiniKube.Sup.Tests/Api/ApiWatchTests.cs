using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>?watch=true: a stream of JSON lines, one event each, in the order of the store's resourceVersions.</summary>
public sealed class ApiWatchTests : IAsyncLifetime
{
    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>An open watch: reads its events one line at a time.</summary>
    private sealed class Watch(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public HttpStatusCode Code => response.StatusCode;

        public async Task<(string Type, JsonNode Object)> Next()
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) ?? throw new EndOfStreamException("the watch ended");
            var e = JsonNode.Parse(line)!;
            return (e["type"]!.GetValue<string>(), e["object"]!);
        }

        public async Task<List<(string Type, string Name)>> Take(int n)
        {
            var events = new List<(string, string)>();
            for (var i = 0; i < n; i++)
            {
                var (type, obj) = await Next();
                events.Add((type, obj["metadata"]!["name"]!.GetValue<string>()));
            }
            return events;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }

    private async Task<Watch> Open(string query)
    {
        var response = await _api.Http.GetAsync(ConfigMapsPath + "?watch=true&" + query, HttpCompletionOption.ResponseHeadersRead);
        return new Watch(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task A_watch_from_a_lists_resourceVersion_streams_the_later_changes_in_order()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("before"));
        var listed = (await _api.Get(ConfigMapsPath)).ResourceVersion;
        using var watch = await Open("resourceVersion=" + listed);

        await _api.Created(ConfigMapsPath, ConfigMap("a"));
        await _api.Put(ConfigMapsPath + "/a", ConfigMap("a", "two"));
        await _api.Created(ConfigMapsPath, ConfigMap("b"));
        await _api.Delete(ConfigMapsPath + "/a");

        var events = new List<(string Type, JsonNode Object)>();
        for (var i = 0; i < 4; i++) events.Add(await watch.Next());
        Assert.Equal(HttpStatusCode.OK, watch.Code);
        Assert.Equal([("ADDED", "a"), ("MODIFIED", "a"), ("ADDED", "b"), ("DELETED", "a")],
            events.Select(e => (e.Type, e.Object["metadata"]!["name"]!.GetValue<string>())));
        var versions = events.Select(e => long.Parse(e.Object["metadata"]!["resourceVersion"]!.GetValue<string>())).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.True(versions[0] > long.Parse(listed!));
        Assert.Equal("two", events[1].Object["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_watch_from_an_older_resourceVersion_replays_what_came_after_it()
    {
        var first = await _api.Created(ConfigMapsPath, ConfigMap("a"));
        await _api.Created(ConfigMapsPath, ConfigMap("b"));
        await _api.Put(ConfigMapsPath + "/a", ConfigMap("a", "two"));

        using var watch = await Open("resourceVersion=" + first["metadata"]!["resourceVersion"]!.GetValue<string>());

        Assert.Equal([("ADDED", "b"), ("MODIFIED", "a")], await watch.Take(2));
    }

    [Fact]
    public async Task A_watch_from_a_resourceVersion_older_than_the_history_gets_410_Expired_and_no_objects()
    {
        // The deletion of "gone" is older than the history by the time the client comes back: replaying the current
        // objects as ADDED would leave "gone" in the client's cache for ever. The API server answers 410 Expired
        // (as the one ERROR event of the stream); client-go and kubectl then list again.
        var first = await _api.Created(ConfigMapsPath, ConfigMap("gone"));
        var from = first["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Delete(ConfigMapsPath + "/gone");
        for (var i = 0; i <= ObjectStore.HistoryLimit; i++)
            _api.Store.Create(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = $"filler-{i}" } }, "api", Durability.Soon);

        using var watch = await Open("resourceVersion=" + from);

        Assert.Equal(HttpStatusCode.OK, watch.Code);
        var (type, status) = await watch.Next();
        Assert.Equal(("ERROR", "Status", 410, "Expired"),
            (type, status["kind"]!.GetValue<string>(), status["code"]!.GetValue<int>(), status["reason"]!.GetValue<string>()));
        Assert.StartsWith($"too old resource version: {from} (", status["message"]!.GetValue<string>());
        await Assert.ThrowsAsync<EndOfStreamException>(watch.Next);
    }

    [Fact]
    public async Task A_watch_without_a_resourceVersion_starts_with_every_object_as_ADDED()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("a"));
        await _api.Created(ConfigMapsPath, ConfigMap("b"));

        using var watch = await Open("");
        await _api.Created(ConfigMapsPath, ConfigMap("c"));

        Assert.Equal([("ADDED", "a"), ("ADDED", "b"), ("ADDED", "c")], await watch.Take(3));
    }

    [Fact]
    public async Task A_watch_with_a_label_selector_sends_only_the_matching_objects()
    {
        var listed = (await _api.Get(ConfigMapsPath)).ResourceVersion;
        using var watch = await Open($"resourceVersion={listed}&labelSelector=app%3Ddb");

        await _api.Created(ConfigMapsPath, ConfigMap("web", app: "web"));
        await _api.Created(ConfigMapsPath, ConfigMap("db", app: "db"));
        await _api.Delete(ConfigMapsPath + "/web");
        await _api.Delete(ConfigMapsPath + "/db");

        Assert.Equal([("ADDED", "db"), ("DELETED", "db")], await watch.Take(2));
    }

    [Fact]
    public async Task A_watch_sees_only_its_kind()
    {
        using var watch = await Open("resourceVersion=" + _api.Store.ResourceVersion);

        await _api.Created(PodsPath, Pod("web"));
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        Assert.Equal([("ADDED", "settings")], await watch.Take(1));
    }

    [Fact]
    public async Task A_watch_ends_after_its_timeoutSeconds()
    {
        using var watch = await Open("timeoutSeconds=1&resourceVersion=" + _api.Store.ResourceVersion);

        await Assert.ThrowsAsync<EndOfStreamException>(watch.Next);
    }

    [Fact]
    public async Task A_watch_with_a_malformed_selector_answers_400()
    {
        (await _api.Get(ConfigMapsPath + "?watch=true&labelSelector=" + Uri.EscapeDataString("a in ((("))).IsStatus(HttpStatusCode.BadRequest);
    }
}
