using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

public sealed class ObjectStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _dir = new("sup-store-");
    private ObjectStore _store;

    public ObjectStoreTests() => _store = ObjectStore.Open(_dir.DatabasePath(), _time);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private void Reopen()
    {
        _store.Dispose();
        _store = ObjectStore.Open(_dir.DatabasePath(), _time);
    }

    private static V1Deployment Deployment(int replicas = 1, string? image = "v1", Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "web", Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] } },
        },
        Status = new V1DeploymentStatus { Replicas = 99 }, // a client's status is never taken by create or update
    };

    private static V1Pod Pod(string name, long grace = 30) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { TerminationGracePeriodSeconds = grace, Containers = [new V1Container { Name = "c", Command = ["sleep"] }] },
    };

    private V1Deployment Read() => _store.Get("Deployment", "web")!.As<V1Deployment>();

    private void WriteStatus(int available) =>
        _store.MutateStatus<V1Deployment>(ObjectKey.Default("Deployment", "web"), d => { d.Status = new V1DeploymentStatus { AvailableReplicas = available }; return true; });

    [Fact]
    public void Create_gives_identity_and_generation_1_and_takes_no_status_a_pod_starts_Pending()
    {
        var created = _store.Create(Deployment(), "api");
        var d = created.As<V1Deployment>();
        Assert.NotNull(d.Metadata.Uid);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, d.Metadata.CreationTimestamp);
        Assert.Equal(1, d.Metadata.Generation);
        Assert.Equal("default", d.Metadata.NamespaceProperty);
        Assert.Null(d.Status);
        Assert.Equal(created.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Metadata.ResourceVersion);
        Assert.Equal("Pending", _store.Create(Pod("p"), "api").As<V1Pod>().Status.Phase);
        var e = Assert.Throws<StoreConflictException>(() => _store.Create(Deployment(), "api"));
        Assert.Equal(StoreConflictReason.AlreadyExists, e.Reason);
    }

    [Fact]
    public void An_update_of_the_spec_keeps_status_uid_and_creation_and_bumps_generation_a_label_does_not()
    {
        var created = _store.Create(Deployment(), "files");
        WriteStatus(available: 1);
        _time.Advance(TimeSpan.FromMinutes(15));

        _store.Update(Deployment(replicas: 3), "files");
        Assert.Equal((1, 3, 2L), (Read().Status.AvailableReplicas, Read().Spec.Replicas, Read().Metadata.Generation!.Value));
        Assert.Equal((created.Uid, created.Object.Metadata.CreationTimestamp), (Read().Metadata.Uid, Read().Metadata.CreationTimestamp));

        _store.Update(Deployment(replicas: 3, labels: new Dictionary<string, string> { ["tier"] = "front" }), "files");
        Assert.Equal((2L, "front"), (Read().Metadata.Generation!.Value, Read().Metadata.Labels["tier"]));
        Assert.Equal(1, Read().Status.AvailableReplicas);
    }

    [Fact]
    public void A_status_write_never_changes_spec_or_generation()
    {
        _store.Create(Deployment(), "api");
        var copy = Read();
        var spy = _store.Get("Deployment", "web")!.Copy<V1Deployment>();
        spy.Spec.Replicas = 42;
        spy.Status = new V1DeploymentStatus { ReadyReplicas = 1 };
        _store.UpdateStatus(spy);
        Assert.Equal((1, 1L, 1), (Read().Spec.Replicas!.Value, Read().Metadata.Generation!.Value, Read().Status.ReadyReplicas!.Value));
        Assert.Equal(copy.Metadata.Uid, Read().Metadata.Uid);
    }

    [Fact]
    public void Two_writers_of_one_version_one_wins_the_other_gets_a_conflict_and_changes_nothing()
    {
        _store.Create(Deployment(), "api");
        var first = _store.Get("Deployment", "web")!.Copy<V1Deployment>();
        var second = _store.Get("Deployment", "web")!.Copy<V1Deployment>();
        first.Spec.Replicas = 2;
        second.Spec.Replicas = 5;
        _store.Update(first);
        var e = Assert.Throws<StoreConflictException>(() => _store.Update(second));
        Assert.Equal(StoreConflictReason.Conflict, e.Reason);
        Assert.Contains("the object has been modified", e.Message);
        Assert.Equal(2, Read().Spec.Replicas);
        // The same for status, and for a delete on a stale version or another uid.
        second.Status = new V1DeploymentStatus { Replicas = 5 };
        Assert.Throws<StoreConflictException>(() => _store.UpdateStatus(second));
        Assert.Throws<StoreConflictException>(() => _store.Delete(ObjectKey.Default("Deployment", "web"), new DeleteOptions(ResourceVersion: second.Metadata.ResourceVersion)));
        Assert.Throws<StoreConflictException>(() => _store.Delete(ObjectKey.Default("Deployment", "web"), new DeleteOptions(Uid: "someone-else")));
        Assert.NotNull(_store.Get("Deployment", "web"));
    }

    [Fact]
    public void Mutate_reads_again_and_retries_when_the_object_changed_meanwhile()
    {
        _store.Create(Deployment(), "api");
        var raced = false;
        _store.Mutate<V1Deployment>(ObjectKey.Default("Deployment", "web"), d =>
        {
            if (!raced)
            {
                raced = true;
                WriteStatus(available: 7); // another writer, between this one's read and its write
            }
            d.Spec.Replicas = 4;
            return true;
        });
        Assert.Equal((4, 7), (Read().Spec.Replicas!.Value, Read().Status.AvailableReplicas!.Value));
    }

    [Fact]
    public async Task A_write_that_changes_nothing_makes_no_version_and_wakes_nobody()
    {
        _store.Create(Deployment(), "api");
        var seen = new ConcurrentQueue<ObjectEvent>();
        await using var subscription = _store.Subscribe("spy", k => k == "Deployment", seen.Enqueue);
        await subscription.IdleAsync();
        var rv = _store.ResourceVersion;
        _store.Update(Deployment(), "api");
        WriteStatus(available: 0);
        WriteStatus(available: 0);
        _store.UpdateStatus(Read());
        Assert.Equal(rv + 1, _store.ResourceVersion); // only the first status write changed something
        await subscription.IdleAsync();
        Assert.Equal([ObjectEvent.Added, ObjectEvent.Modified], seen.Select(e => e.Type));
    }

    [Fact]
    public void A_pod_is_deleted_gracefully_its_grace_only_shortened_and_removed_by_whoever_runs_it()
    {
        var pod = _store.Create(Pod("p", grace: 30), "api");
        var marked = _store.Delete(ObjectKey.Default("Pod", "p")).As<V1Pod>();
        Assert.Equal((_time.GetUtcNow().UtcDateTime, 30L), (marked.Metadata.DeletionTimestamp!.Value, marked.Metadata.DeletionGracePeriodSeconds!.Value));
        Assert.Equal(5, _store.Delete(ObjectKey.Default("Pod", "p"), new DeleteOptions(GracePeriodSeconds: 5)).As<V1Pod>().Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(5, _store.Delete(ObjectKey.Default("Pod", "p"), new DeleteOptions(GracePeriodSeconds: 60)).As<V1Pod>().Metadata.DeletionGracePeriodSeconds);
        Assert.False(_store.Remove(ObjectKey.Default("Pod", "p"), uid: "another-pod-of-that-name"));
        Assert.True(_store.Remove(ObjectKey.Default("Pod", "p"), pod.Uid));
        Assert.Null(_store.Get("Pod", "p"));
        Assert.Throws<StoreNotFoundException>(() => _store.Delete(ObjectKey.Default("Pod", "p")));
    }

    [Fact]
    public void A_replaced_pod_is_a_new_pod_and_the_old_one_s_status_no_longer_lands_on_it()
    {
        var old = _store.Create(Pod("p"), "api");
        var replaced = _store.CreateOrReplace(Pod("p"), "api");
        Assert.NotEqual(old.Uid, replaced.Uid);
        Assert.Throws<StoreConflictException>(() =>
            _store.UpdateStatus(ObjectKey.Default("Pod", "p"), new V1PodStatus { Phase = "Running" }, old.Uid, durability: Durability.Soon));
        Assert.Equal("Pending", _store.Get("Pod", "p")!.As<V1Pod>().Status.Phase);
    }

    [Fact]
    public async Task A_subscriber_that_throws_or_hangs_never_stops_a_writer_or_another_subscriber()
    {
        var seen = new ConcurrentQueue<string>();
        var stuck = new ManualResetEventSlim();
        var failures = 0;
        await using var throwing = _store.Subscribe("throwing", _ => true, e =>
        {
            Interlocked.Increment(ref failures);
            throw new InvalidOperationException("boom");
        });
        await using var hanging = _store.Subscribe("hanging", _ => true, _ => stuck.Wait());
        await using var healthy = _store.Subscribe("healthy", _ => true, e => seen.Enqueue(e.Object.Metadata.Name));
        for (var i = 0; i < 200; i++) _store.Create(Pod($"p{i}"), "api", Durability.Soon);
        await healthy.IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await throwing.IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, seen.Count);
        Assert.Equal(200, failures); // it went on with every change after each throw
        stuck.Set();
        await hanging.IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_watch_can_resume_only_from_a_version_whose_later_changes_are_all_kept()
    {
        static V1ConfigMap Map(string name) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name } };
        var a = _store.Create(Map("a"), "api");
        for (var i = 0; i < ObjectStore.HistoryLimit; i++) _store.Create(Map($"m{i}"), "api", Durability.Soon);
        using (var resumed = _store.Watch("ConfigMap", null, a.ResourceVersion)) // every change after it is still kept
            Assert.Equal(["m0", "m1"], ReadAll(resumed).Take(2).Select(e => e.Object.Metadata.Name));

        _store.Delete(ObjectKey.Default("ConfigMap", "a"), durability: Durability.Soon); // m0 leaves the history

        var expired = Assert.Throws<ResourceVersionExpiredException>(() => _store.Watch("ConfigMap", null, a.ResourceVersion));
        Assert.Equal($"too old resource version: {a.ResourceVersion} ({a.ResourceVersion + 1})", expired.Message);
        using var fresh = _store.Watch("ConfigMap", null, null); // from no version: the current objects, without "a"
        var names = ReadAll(fresh).Select(e => e.Object.Metadata.Name).ToList();
        Assert.Equal(ObjectStore.HistoryLimit, names.Count);
        Assert.DoesNotContain("a", names);
    }

    private static List<ObjectEvent> ReadAll(ObjectWatch watch)
    {
        var events = new List<ObjectEvent>();
        while (watch.Events.TryRead(out var e)) events.Add(e);
        return events;
    }

    [Fact]
    public void A_watch_replays_what_came_after_its_version_and_a_client_that_does_not_keep_up_is_cut_off()
    {
        var a = _store.Create(Pod("a"), "api");
        _store.Create(Pod("b"), "api");
        _store.Delete(ObjectKey.Default("Pod", "a"));
        using (var watch = _store.Watch("Pod", null, a.ResourceVersion))
        {
            var events = new List<ObjectEvent>();
            while (watch.Events.TryRead(out var e)) events.Add(e);
            Assert.Equal([(ObjectEvent.Added, "b"), (ObjectEvent.Modified, "a")], events.Select(e => (e.Type, e.Object.Metadata.Name)));
        }
        using var slow = _store.Watch("Pod", null, null);
        for (var i = 0; i <= ObjectWatch.Capacity; i++) _store.Create(Pod($"flood-{i}"), "api", Durability.Soon);
        Assert.True(slow.Overflowed);
    }

    [Fact]
    public void Soon_writes_are_on_disk_after_a_flush_and_a_reopen_keeps_uids_creation_and_statuses()
    {
        var created = _store.Create(Deployment(), "files");
        WriteStatus(available: 3);
        _store.Create(Pod("p"), "controller", Durability.Soon);
        _store.UpdateStatus(ObjectKey.Default("Pod", "p"), new V1PodStatus { Phase = "Running", PodIP = "127.0.1.9" }, uid: null, durability: Durability.Soon);
        _store.Flush();
        _time.Advance(TimeSpan.FromHours(1));
        Reopen();
        Assert.Equal((created.Uid, created.Object.Metadata.CreationTimestamp, 3), (Read().Metadata.Uid, Read().Metadata.CreationTimestamp, Read().Status.AvailableReplicas!.Value));
        var pod = _store.Get("Pod", "p")!;
        Assert.Equal(("controller", "127.0.1.9"), (pod.Source, pod.As<V1Pod>().Status.PodIP));
    }

    [Fact]
    public void Objects_are_found_by_owner_through_an_index()
    {
        var owner = _store.Create(Deployment(), "api").As<V1Deployment>();
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta { Name = "web-1", OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = owner.Metadata.Uid, Controller = true }] },
            Spec = new V1ReplicaSetSpec { Selector = new V1LabelSelector(), Template = new V1PodTemplateSpec() },
        };
        _store.Create(rs, "controller");
        Assert.Equal(["web-1"], _store.ListOwned("ReplicaSet", owner.Metadata.Uid).Select(o => o.Name));
        Assert.Empty(_store.ListOwned("Pod", owner.Metadata.Uid));
        _store.Mutate<V1ReplicaSet>(ObjectKey.Default("ReplicaSet", "web-1"), r => { r.Metadata.OwnerReferences = null; return true; });
        Assert.Empty(_store.ListOwned("ReplicaSet", owner.Metadata.Uid));
    }

    [Fact]
    public void A_version_1_database_is_upgraded_keeping_objects_a_Job_s_status_and_a_CronJob_s_schedule_time()
    {
        _store.Dispose();
        var path = Path.Combine(_dir.Path, "v1", "sup.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO meta VALUES ('resource_version', 12);
                CREATE TABLE objects (kind TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL, source TEXT NOT NULL, rv INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;
                CREATE TABLE statuses (kind TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;
                CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL, field_path TEXT, count INTEGER NOT NULL);
                CREATE TABLE state (key TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO objects VALUES ('Job', 'etl', '{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"etl"},"spec":{"template":{"spec":{"containers":[{"name":"c","command":["true"]}],"restartPolicy":"Never"}}}}', 'files', 3, 0);
                INSERT INTO objects VALUES ('CronJob', 'report', '{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"report"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","command":["true"]}],"restartPolicy":"Never"}}}}}}', 'files', 4, 0);
                INSERT INTO statuses VALUES ('Job', 'etl', '{"StatusJson":"{\"succeeded\":1,\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}","TemplateHash":"x","Counted":[]}', 0);
                INSERT INTO statuses VALUES ('CronJob', 'report', '{"LastScheduleTime":"2026-01-01T00:01:00+00:00","FirstSeen":"2025-12-31T00:00:00+00:00"}', 0);
                INSERT INTO events (ts, kind, name, type, reason, message, count) VALUES (0, 'Pod', 'p', 'Normal', 'Started', 'x', 1);
                PRAGMA application_id = 1398100017;
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }
        _store = ObjectStore.Open(path, _time);
        var job = _store.Get("Job", "etl")!.As<V1Job>();
        Assert.Equal((1, "Complete"), (job.Status.Succeeded!.Value, job.Status.Conditions.Single().Type));
        Assert.NotNull(job.Metadata.Uid);
        Assert.True(_store.ResourceVersion > 12);
        var cron = _store.Get("CronJob", "report")!.As<V1CronJob>();
        Assert.Equal(new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc), cron.Status.LastScheduleTime);
        var uid = job.Metadata.Uid;
        Reopen2(path);
        Assert.Equal(uid, _store.Get("Job", "etl")!.Uid); // the identity given at the upgrade is kept
    }

    private void Reopen2(string path)
    {
        _store.Dispose();
        _store = ObjectStore.Open(path, _time);
    }
}
