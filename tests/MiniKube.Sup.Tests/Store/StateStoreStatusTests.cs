using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

public sealed class StateStoreStatusTests : IDisposable
{
    private readonly TempStoreDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Status_put_survives_reopen_and_the_last_write_wins()
    {
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            store.PutStatus("Pod", "web-0", """{"phase":"Pending"}""");
            store.PutStatus("Pod", "web-0", """{"phase":"Running"}""");
        }

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal("""{"phase":"Running"}""", reopened.GetStatus("Pod", "web-0"));
        Assert.Null(reopened.GetStatus("Pod", "web-1"));
    }

    [Fact]
    public void Status_batch_is_stored_and_listed()
    {
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            store.PutStatuses([("Pod", "b", "{\"n\":2}"), ("Pod", "a", "{\"n\":1}"), ("Deployment", "web", "{}")]);
            store.PutStatuses([("Pod", "a", "{\"n\":3}")]);
            store.PutStatuses([]);
        }

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal([("Pod", "a", "{\"n\":3}"), ("Pod", "b", "{\"n\":2}")], reopened.ListStatuses("Pod"));
        Assert.Equal(3, reopened.ListStatuses().Count);
    }

    [Fact]
    public void Statuses_do_not_bump_the_resource_version()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        store.PutObject("Deployment", "web", "{}", "api");
        var rv = store.CurrentResourceVersion;
        store.PutStatus("Deployment", "web", "{\"replicas\":1}");
        store.PutStatuses([("Pod", "web-x", "{}")]);
        Assert.Equal(rv, store.CurrentResourceVersion);
    }

    [Fact]
    public void Status_delete_removes_only_that_status()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        store.PutStatuses([("Pod", "a", "{}"), ("Pod", "b", "{}")]);
        Assert.True(store.DeleteStatus("Pod", "a"));
        Assert.False(store.DeleteStatus("Pod", "a"));
        Assert.Equal([("Pod", "b", "{}")], store.ListStatuses());
    }
}
