using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

public sealed class StateStoreKeyValueTests : IDisposable
{
    private readonly TempStoreDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void State_put_survives_reopen()
    {
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            store.PutState("cronjob/backup/lastScheduleTime", "\"2025-01-01T00:00:00Z\"");
            store.PutState("cronjob/backup/lastScheduleTime", "\"2025-01-01T01:00:00Z\"");
        }

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal("\"2025-01-01T01:00:00Z\"", reopened.GetState("cronjob/backup/lastScheduleTime"));
        Assert.Null(reopened.GetState("cronjob/other/lastScheduleTime"));
    }

    [Fact]
    public void State_list_returns_exactly_the_keys_with_the_prefix_in_order()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        foreach (var key in new[] { "job/b/history/2", "job/b/history/1", "job/b", "job/bb/history/1", "job/a/history/1", "job/b/history/\u00e9", "jobz" })
            store.PutState(key, $"\"{key}\"");

        Assert.Equal(["job/b/history/1", "job/b/history/2", "job/b/history/\u00e9"], store.ListState("job/b/history/").Select(e => e.Key));
        Assert.Equal(["job/b", "job/b/history/1", "job/b/history/2", "job/b/history/\u00e9", "job/bb/history/1"],
            store.ListState("job/b").Select(e => e.Key));
        Assert.Equal(7, store.ListState("").Count);
        Assert.Empty(store.ListState("nothing/"));
        Assert.Equal("\"job/a/history/1\"", store.ListState("job/a/")[0].Json);
    }

    [Fact]
    public void State_delete_and_delete_prefix_survive_reopen()
    {
        using (var store = StateStore.Open(_dir.DatabasePath))
        {
            store.PutState("job/a/history/1", "{}");
            store.PutState("job/a/history/2", "{}");
            store.PutState("job/b/history/1", "{}");
            store.PutState("cronjob/x/lastScheduleTime", "{}");
            store.DeleteState("cronjob/x/lastScheduleTime");
            store.DeleteState("never/there");
            Assert.Equal(2, store.DeleteStatePrefix("job/a/"));
        }

        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal(["job/b/history/1"], reopened.ListState("").Select(e => e.Key));
    }
}
