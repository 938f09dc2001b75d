using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Store;

/// <summary>The database schema. <c>PRAGMA user_version</c> holds <see cref="Version"/>, <c>PRAGMA application_id</c>
/// holds <see cref="ApplicationId"/> so a foreign SQLite file is recognised. To change the schema: bump
/// <see cref="Version"/> and add a step to <see cref="Migrations"/> (step i upgrades version i + 1 to i + 2).</summary>
internal static class StoreSchema
{
    public const int Version = 2;

    /// <summary>"SUP1" in ASCII.</summary>
    public const int ApplicationId = 0x53555031;

    /// <summary>The meta row holding the resourceVersion ceiling: no version at or below it was handed out by an
    /// earlier life, so versions never go back across restarts.</summary>
    public const string ResourceVersionKey = "resource_version";

    public const string Create = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES ('resource_version', 0);

        CREATE TABLE objects (
            kind      TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name      TEXT NOT NULL,
            source    TEXT NOT NULL,
            object    TEXT NOT NULL,
            status    TEXT,
            PRIMARY KEY (kind, namespace, name)
        ) WITHOUT ROWID;
        """;

    public static readonly Action<SqliteConnection, SqliteTransaction>[] Migrations = [FromVersion1];

    /// <summary>Version 1 kept desired objects (no uid or creationTimestamp: they were made anew at every start),
    /// controllers' private records in <c>statuses</c>, events and a key/value table apart. Version 2 keeps whole
    /// objects, spec and status apart. A Job's recorded status and a CronJob's schedule times become their statuses
    /// (so a finished Job does not run again after the upgrade); events are observations and are not carried over.</summary>
    private static void FromVersion1(SqliteConnection db, SqliteTransaction tx)
    {
        ObjectDatabase.Exec(db, "ALTER TABLE objects RENAME TO objects_v1", tx);
        ObjectDatabase.Exec(db, Create[(Create.IndexOf("CREATE TABLE objects", StringComparison.Ordinal))..], tx);
        ObjectDatabase.Exec(db, "INSERT INTO objects (kind, namespace, name, source, object, status) SELECT kind, 'default', name, source, json, NULL FROM objects_v1", tx);

        var statuses = new List<(string Kind, string Name, string Status)>();
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT kind, name, json FROM statuses WHERE kind IN ('Job', 'CronJob')";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                if (StatusFromVersion1(reader.GetString(0), reader.GetString(2)) is { } status) statuses.Add((reader.GetString(0), reader.GetString(1), status));
        }
        foreach (var (kind, name, status) in statuses)
        {
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE objects SET status = $status WHERE kind = $kind AND namespace = 'default' AND name = $name";
            cmd.Parameters.AddWithValue("$status", status);
            cmd.Parameters.AddWithValue("$kind", kind);
            cmd.Parameters.AddWithValue("$name", name);
            cmd.ExecuteNonQuery();
        }
        ObjectDatabase.Exec(db, "DROP TABLE objects_v1; DROP TABLE statuses; DROP TABLE events; DROP TABLE state;", tx);
    }

    private static string? StatusFromVersion1(string kind, string record)
    {
        try
        {
            var node = JsonNode.Parse(record)?.AsObject();
            if (node is null) return null;
            if (kind == Kinds.Job.Kind) return node["StatusJson"]?.GetValue<string>();
            var status = new JsonObject();
            foreach (var (from, to) in new[] { ("LastScheduleTime", "lastScheduleTime"), ("LastSuccessfulTime", "lastSuccessfulTime") })
                if (node[from]?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                    status[to] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return status.ToJsonString();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null; // a record that does not parse is dropped: its object is recomputed from what runs
        }
    }
}
