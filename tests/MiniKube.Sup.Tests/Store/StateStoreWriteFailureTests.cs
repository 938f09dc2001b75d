using MiniKube.Sup.Store;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Store;

/// <summary>The state dir's file system fills up (a small tmpfs filled with a file; the tests run as root): every write
/// throws a StateStoreException naming the database, changes nothing, and works again once space is freed.</summary>
public sealed class StateStoreWriteFailureTests : IDisposable
{
    private readonly TempStoreDirectory _dir = new();
    private readonly string _mount;

    public StateStoreWriteFailureTests()
    {
        _mount = Path.GetDirectoryName(_dir.DatabasePath)!;
        Directory.CreateDirectory(_mount);
        Assert.True(VolumeNative.mount("tmpfs", _mount, "tmpfs", 0, "size=512k") == 0, "mount tmpfs (these tests run as root)");
    }

    public void Dispose()
    {
        VolumeNative.umount2(_mount, VolumeNative.MNT_DETACH);
        _dir.Dispose();
    }

    [Fact]
    public void A_write_on_a_full_disk_says_so_naming_the_file_and_changes_nothing()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        var rv = store.PutObject("ConfigMap", "kept", """{"data":{"a":"b"}}""", "api");
        var filler = Fill(Path.Combine(_mount, "filler"));

        var big = "{\"data\":{\"a\":\"" + new string('x', 200_000) + "\"}}";
        var e = Assert.Throws<StateStoreException>(() => store.PutObject("ConfigMap", "big", big, "api"));

        Assert.Equal(StateStoreFailure.NoSpace, e.Failure);
        Assert.Equal(_dir.DatabasePath, e.Path);
        Assert.StartsWith($"no space left on device writing {_dir.DatabasePath}", e.Message);
        Assert.Null(store.GetObject("ConfigMap", "big"));
        Assert.Equal(rv, store.CurrentResourceVersion);
        Assert.Equal(StateStoreFailure.NoSpace, Assert.Throws<StateStoreException>(() => store.DeleteObject("ConfigMap", "kept")).Failure);
        Assert.NotNull(store.GetObject("ConfigMap", "kept"));
        Assert.Equal(StateStoreFailure.NoSpace, Assert.Throws<StateStoreException>(() =>
        {
            for (var i = 0; i < 1000; i++) store.AppendEvent(DateTimeOffset.UnixEpoch, "Pod", "p", "Normal", "Started", $"{i} {new string('x', 1000)}", null);
        }).Failure);

        File.Delete(filler);
        store.PutObject("ConfigMap", "big", big, "api");
        Assert.NotNull(store.DeleteObject("ConfigMap", "kept"));
        Assert.Equal(big, store.GetObject("ConfigMap", "big")!.Json);
    }

    /// <summary>Writes the file until the file system has no room left.</summary>
    private static string Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[4096];
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // full
        }
        return path;
    }
}
