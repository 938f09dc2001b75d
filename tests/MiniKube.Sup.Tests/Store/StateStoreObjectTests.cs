using MiniKube.Sup.Store;
using Microsoft.Extensions.Time.Testing;

namespace MiniKube.Sup.Tests.Store;

public sealed class StateStoreObjectTests : IDisposable
{
    private readonly TempStoreDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Object_put_survives_reopen()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        long rv;
        using (var store = StateStore.Open(_dir.DatabasePath, time: time))
            rv = store.PutObject("Deployment", "web", """{"kind":"Deployment","metadata":{"name":"web"}}""", "file:/srv/app.yaml");

        using var reopened = StateStore.Open(_dir.DatabasePath);
        var stored = reopened.GetObject("Deployment", "web");
        Assert.Equal(new StoredObject("Deployment", "web", """{"kind":"Deployment","metadata":{"name":"web"}}""", "file:/srv/app.yaml", rv,
            time.GetUtcNow()), stored);
        Assert.Equal(rv, reopened.CurrentResourceVersion);
    }

    [Fact]
    public void Missing_object_is_null()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        Assert.Null(store.GetObject("Deployment", "nope"));
        Assert.Null(store.DeleteObject("Deployment", "nope"));
        Assert.Equal(0, store.CurrentResourceVersion);
    }

    [Fact]
    public void Each_change_gets_a_higher_resource_version_and_an_identical_put_keeps_it()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        var first = store.PutObject("ConfigMap", "a", "{\"v\":1}", "api");
        var second = store.PutObject("ConfigMap", "b", "{\"v\":1}", "api");
        var third = store.PutObject("ConfigMap", "a", "{\"v\":2}", "api");
        var same = store.PutObject("ConfigMap", "a", "{\"v\":2}", "api");
        var newSource = store.PutObject("ConfigMap", "a", "{\"v\":2}", "file:/x.yaml");

        Assert.True(first < second && second < third);
        Assert.Equal(third, same);
        Assert.True(newSource > third);
        Assert.Equal(newSource, store.CurrentResourceVersion);
        Assert.Equal("file:/x.yaml", store.GetObject("ConfigMap", "a")!.Source);
    }

    [Fact]
    public void Resource_version_is_monotonic_across_reopen_even_after_deleting_everything()
    {
        long deleted;
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            store.PutObject("Service", "s", "{}", "api");
            store.PutObject("Service", "t", "{}", "api");
            store.DeleteObject("Service", "s");
            deleted = store.DeleteObject("Service", "t")!.Value;
            Assert.Empty(store.ListObjects());
        }

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal(deleted, reopened.CurrentResourceVersion);
        Assert.True(reopened.PutObject("Service", "s", "{}", "api") > deleted);
    }

    [Fact]
    public void Delete_survives_reopen_and_removes_the_status()
    {
        long put;
        long? deleted;
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            put = store.PutObject("Job", "migrate", "{}", "api");
            store.PutStatus("Job", "migrate", """{"succeeded":1}""");
            deleted = store.DeleteObject("Job", "migrate");
        }

        Assert.True(deleted > put);
        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Null(reopened.GetObject("Job", "migrate"));
        Assert.Null(reopened.GetStatus("Job", "migrate"));
    }

    [Fact]
    public void List_filters_by_kind_and_orders_by_name()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        store.PutObject("Service", "z", "{}", "api");
        store.PutObject("Deployment", "b", "{}", "api");
        store.PutObject("Deployment", "a", "{}", "file:/m.yaml");

        Assert.Equal(["a", "b"], store.ListObjects("Deployment").Select(o => o.Name));
        Assert.Equal([("Deployment", "a"), ("Deployment", "b"), ("Service", "z")], store.ListObjects().Select(o => (o.Kind, o.Name)));
        Assert.Equal(["a"], store.ListObjectsOfSource("file:/m.yaml").Select(o => o.Name));
        Assert.Empty(store.ListObjects("StatefulSet"));
    }

    [Fact]
    public void Json_is_stored_byte_for_byte()
    {
        const string json = "{ \"data\": { \"k\": \"caf\u00e9 \u2603 \U0001F600 'q' \\\"x\\\" \\n\" } }\n";
        using (var store = StateStore.Open(_dir.DatabasePath))
            store.PutObject("ConfigMap", "unicode", json, "api");
        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal(json, reopened.GetObject("ConfigMap", "unicode")!.Json);
    }

    [Fact]
    public void Replace_source_reports_added_updated_removed_and_unchanged_rows_keep_their_resource_version()
    {
        const string source = "file:/srv/app.yaml";
        using var store = StateStore.Open(_dir.DatabasePath);
        var initial = store.ReplaceSource(source, [("Deployment", "web", "{\"r\":1}"), ("Service", "web", "{}"), ("ConfigMap", "old", "{}")]);
        Assert.Equal(3, initial.Added.Count);
        Assert.Empty(initial.Updated);
        Assert.Empty(initial.Removed);
        var apiRv = store.PutObject("ConfigMap", "from-api", "{}", "api");
        var serviceRv = store.GetObject("Service", "web")!.ResourceVersion;
        store.PutStatus("ConfigMap", "old", "{}");

        var changes = store.ReplaceSource(source, [("Deployment", "web", "{\"r\":2}"), ("Service", "web", "{}"), ("Job", "once", "{}")]);

        Assert.False(changes.IsEmpty);
        Assert.Equal([("Job", "once")], changes.Added.Select(o => (o.Kind, o.Name)));
        Assert.Equal([("Deployment", "web", "{\"r\":2}")], changes.Updated.Select(o => (o.Kind, o.Name, o.Json)));
        Assert.Equal([("ConfigMap", "old")], changes.Removed.Select(o => (o.Kind, o.Name)));
        Assert.Equal([("Service", "web", serviceRv)], changes.Unchanged.Select(o => (o.Kind, o.Name, o.ResourceVersion)));

        var newVersions = changes.Added.Concat(changes.Updated).Concat(changes.Removed).Select(o => o.ResourceVersion).ToList();
        Assert.Equal(3, newVersions.Distinct().Count());
        Assert.All(newVersions, v => Assert.True(v > apiRv));
        Assert.Equal(newVersions.Max(), store.CurrentResourceVersion);

        Assert.Equal(serviceRv, store.GetObject("Service", "web")!.ResourceVersion);
        Assert.Equal(changes.Updated[0].ResourceVersion, store.GetObject("Deployment", "web")!.ResourceVersion);
        Assert.Null(store.GetObject("ConfigMap", "old"));
        Assert.Null(store.GetStatus("ConfigMap", "old"));
        Assert.NotNull(store.GetObject("ConfigMap", "from-api"));
    }

    [Fact]
    public void Replace_source_with_the_same_content_changes_nothing()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        store.ReplaceSource("api", [("Deployment", "web", "{}")]);
        var rv = store.CurrentResourceVersion;

        var again = store.ReplaceSource("api", [("Deployment", "web", "{}")]);

        Assert.True(again.IsEmpty);
        Assert.Single(again.Unchanged);
        Assert.Equal(rv, store.CurrentResourceVersion);
    }

    [Fact]
    public void Replace_source_takes_over_an_object_of_another_source_and_keeps_its_version_when_the_json_is_equal()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        var rv = store.PutObject("Deployment", "web", "{}", "api");

        var changes = store.ReplaceSource("file:/a.yaml", [("Deployment", "web", "{}")]);

        Assert.Single(changes.Unchanged);
        var stored = store.GetObject("Deployment", "web")!;
        Assert.Equal(("file:/a.yaml", rv), (stored.Source, stored.ResourceVersion));
        Assert.Empty(store.ReplaceSource("api", []).Removed);
    }

    [Fact]
    public void Replace_source_with_a_duplicate_is_rejected_and_writes_nothing()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        Assert.Throws<ArgumentException>(() => store.ReplaceSource("api", [("Deployment", "web", "{}"), ("Deployment", "web", "{}")]));
        Assert.Empty(store.ListObjects());
    }

    [Fact]
    public void Replace_source_result_survives_reopen()
    {
        SourceChanges changes;
        using (var store = StateStore.Open(_dir.DatabasePath))
            changes = store.ReplaceSource("file:/a.yaml", [("Deployment", "web", "{}"), ("Service", "web", "{}")]);

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal(changes.Added, reopened.ListObjectsOfSource("file:/a.yaml"));
    }

    [Fact]
    public void Store_is_usable_from_many_threads()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        var versions = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 200, i =>
        {
            versions.Add(store.PutObject("ConfigMap", $"cm-{i}", "{}", "api"));
            store.PutStatus("ConfigMap", $"cm-{i}", "{}");
            store.GetObject("ConfigMap", $"cm-{i % 7}");
        });
        Assert.Equal(200, versions.Distinct().Count());
        Assert.Equal(200, store.CurrentResourceVersion);
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var store = StateStore.Open(_dir.DatabasePath);
        store.Dispose();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.GetObject("Pod", "p"));
    }
}
