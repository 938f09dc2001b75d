using k8s.Models;
using MiniKube.Sup.Store;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Store;

/// <summary>The state dir's file system fills up (a small tmpfs filled with a file; the tests run as root): every durable
/// write throws a StateStoreException naming the database and changes nothing; batched writes stay queued (and
/// visible) until the disk takes them; everything works again once space is freed.</summary>
public sealed class ObjectStoreWriteFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-store-");
    private readonly string _mount;

    public ObjectStoreWriteFailureTests()
    {
        _mount = Path.GetDirectoryName(_dir.DatabasePath())!;
        Directory.CreateDirectory(_mount);
        Assert.True(VolumeNative.mount("tmpfs", _mount, "tmpfs", 0, "size=4m") == 0, "mount tmpfs (these tests run as root)");
    }

    public void Dispose()
    {
        VolumeNative.umount2(_mount, VolumeNative.MNT_DETACH);
        _dir.Dispose();
    }

    private static V1ConfigMap ConfigMap(string name, string value) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["a"] = value } };

    [Fact]
    public void A_write_on_a_full_disk_says_so_naming_the_file_and_changes_nothing()
    {
        using var store = ObjectStore.Open(_dir.DatabasePath());
        store.Create(ConfigMap("kept", "b"), "api");
        var rv = store.ResourceVersion;
        var filler = Fill(Path.Combine(_mount, "filler"));

        var big = new string('x', 200_000);
        var e = Assert.Throws<StateStoreException>(() => store.Create(ConfigMap("big", big), "api"));

        Assert.Equal(StateStoreFailure.NoSpace, e.Failure);
        Assert.Equal(_dir.DatabasePath(), e.Path);
        Assert.StartsWith($"no space left on device writing {_dir.DatabasePath()}", e.Message);
        Assert.Null(store.Get("ConfigMap", "big"));
        Assert.Equal(rv, store.ResourceVersion);
        Assert.Equal(StateStoreFailure.NoSpace, Assert.Throws<StateStoreException>(() => store.Delete("ConfigMap", "kept")).Failure);
        Assert.NotNull(store.Get("ConfigMap", "kept"));

        // Batched writes are served at once and wait for the disk: a flush fails and keeps them.
        for (var i = 0; i < 100; i++) store.Create(ConfigMap($"soon-{i}", new string('y', 5000)), "api", Durability.Soon);
        Assert.Equal(StateStoreFailure.NoSpace, Assert.Throws<StateStoreException>(store.Flush).Failure);
        Assert.NotNull(store.Get("ConfigMap", "soon-99"));

        File.Delete(filler);
        store.Flush();
        store.Create(ConfigMap("big", big), "api");
        store.Delete("ConfigMap", "kept");
        Assert.Equal(big, store.Get("ConfigMap", "big")!.As<V1ConfigMap>().Data["a"]);
        store.Dispose();
        using var reopened = ObjectStore.Open(_dir.DatabasePath());
        Assert.Equal(101, reopened.List("ConfigMap").Count);
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
