using k8s.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using MiniKube.Sup.Testing;

namespace MiniKube.Sup.Tests.Desired;

/// <summary>The files are applied as one commit (one fsync for the whole set, not one per object: 0.4 s of a start
/// with 500 pods went to them), and that commit is on disk when the apply returns.</summary>
public sealed class ApplyFilesCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-apply-files-");

    public void Dispose() => _dir.Dispose();

    private string DatabasePath => _dir.Combine("sup.db");

    [Fact]
    public void Files_are_applied_in_one_commit_that_is_on_disk_when_the_apply_returns()
    {
        using var store = ObjectStore.Open(DatabasePath);
        var desired = new DesiredState(store, NullLogger.Instance);
        desired.EnsureNamespace(ObjectKey.DefaultNamespace);
        var before = WalCommits();

        var applied = desired.ApplyFiles(Files(Enumerable.Range(0, 20).Select(i => ConfigMap($"settings-{i}"))));

        Assert.Equal(20, applied.Count);
        Assert.Equal(1, WalCommits() - before);
        Assert.Equal(20, CommittedRows("ConfigMap")); // another connection reads them: committed, not only in memory
    }

    [Fact]
    public void Objects_the_files_no_longer_hold_are_deleted_in_the_same_single_commit()
    {
        using var store = ObjectStore.Open(DatabasePath);
        var desired = new DesiredState(store, NullLogger.Instance);
        desired.EnsureNamespace(ObjectKey.DefaultNamespace);
        desired.ApplyFiles(Files(Enumerable.Range(0, 5).Select(i => ConfigMap($"settings-{i}"))));
        var before = WalCommits();

        desired.ApplyFiles(Files([ConfigMap("settings-0"), ConfigMap("settings-new")]));

        Assert.Equal(1, WalCommits() - before);
        Assert.Equal(2, CommittedRows("ConfigMap"));
        Assert.NotNull(store.Get("ConfigMap", "settings-new"));
        Assert.Null(store.Get("ConfigMap", "settings-4"));
    }

    private static V1ConfigMap ConfigMap(string name) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["k"] = name } };

    private static ManifestLoadResult Files(IEnumerable<V1ConfigMap> maps) =>
        ManifestLoader.LoadText(string.Join("\n---\n", maps.Select(m => k8s.KubernetesJson.Serialize(m))), "files.yaml");

    private int CommittedRows(string kind)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM objects WHERE kind = $kind";
        count.Parameters.AddWithValue("$kind", kind);
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Commits in the WAL so far: frames whose header gives the database size after the commit (non-zero only
    /// on a transaction's last frame; sqlite.org/fileformat2.html#walformat).</summary>
    private int WalCommits()
    {
        var wal = File.ReadAllBytes(DatabasePath + "-wal");
        if (wal.Length < 32) return 0;
        var pageSize = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wal.AsSpan(8));
        var commits = 0;
        for (var frame = 32; frame + 24 + pageSize <= wal.Length; frame += 24 + pageSize)
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wal.AsSpan(frame + 4)) != 0) commits++;
        return commits;
    }
}
