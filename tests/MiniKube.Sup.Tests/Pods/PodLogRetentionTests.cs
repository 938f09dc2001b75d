using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Pods;

public sealed class PodLogRetentionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-log-retention-").FullName;
    private readonly ObjectStore _store = StoreTesting.Open();
    private readonly StatePaths _paths;

    public PodLogRetentionTests() => _paths = new StatePaths(_dir);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Logged(string pod, string uid, string? owner)
    {
        PodLogRetention.RecordOwner(_paths, pod, uid, owner);
        var log = _paths.LogFile(pod, uid, "app", 0);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        File.WriteAllText(log, "x");
        return _paths.PodLogDirectory(pod, uid);
    }

    [Fact]
    public void Logs_stay_while_the_pod_or_its_owner_exists_and_go_with_the_last_of_them()
    {
        var set = _store.Put(new V1StatefulSet { ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = new V1ObjectMeta { Name = "db" }, Spec = new V1StatefulSetSpec() });
        var running = _store.Put(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1PodSpec { Containers = [] } });
        var replaced = Logged("db-0", Guid.NewGuid().ToString(), set.Uid);
        var live = Logged("web", running.Uid!, null);
        var unowned = Logged("gone", Guid.NewGuid().ToString(), null);
        var ownerGone = Logged("job-x", Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var oldLayout = Path.Combine(_paths.LogsRoot, "from-an-older-sup");
        Directory.CreateDirectory(oldLayout);

        var removed = PodLogRetention.Sweep(_paths, _store);

        Assert.Equal(new[] { ownerGone, unowned }.Order(), removed.Order());
        Assert.True(Directory.Exists(replaced) && Directory.Exists(live) && Directory.Exists(oldLayout));

        _store.Drop("StatefulSet", "db");
        Assert.Equal([replaced], PodLogRetention.Sweep(_paths, _store));
    }

    [Fact]
    public void The_owner_is_written_once_and_owner_only()
    {
        var uid = Guid.NewGuid().ToString();
        PodLogRetention.RecordOwner(_paths, "p", uid, "first");
        PodLogRetention.RecordOwner(_paths, "p", uid, "second");
        var file = Path.Combine(_paths.PodLogDirectory("p", uid), "owner");
        Assert.Equal("first", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_paths.PodLogDirectory("p", uid)));
    }
}
