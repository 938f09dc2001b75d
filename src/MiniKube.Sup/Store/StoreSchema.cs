namespace MiniKube.Sup.Store;

/// <summary>The database schema. <c>PRAGMA user_version</c> holds <see cref="Version"/>, <c>PRAGMA application_id</c>
/// holds <see cref="ApplicationId"/> so a foreign SQLite file is recognised. To change the schema: bump
/// <see cref="Version"/> and add a step to <see cref="Migrations"/> (step i upgrades version i to i + 1).</summary>
internal static class StoreSchema
{
    public const int Version = 1;

    /// <summary>"SUP1" in ASCII.</summary>
    public const int ApplicationId = 0x53555031;

    public const string ResourceVersionKey = "resource_version";

    // Times are UTC ticks (100 ns), so DateTimeOffset values round-trip exactly.
    public const string Create = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES ('resource_version', 0);

        CREATE TABLE objects (
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            json       TEXT NOT NULL,
            source     TEXT NOT NULL,
            rv         INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (kind, name)
        ) WITHOUT ROWID;
        CREATE INDEX objects_by_source ON objects (source);

        CREATE TABLE statuses (
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            json       TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (kind, name)
        ) WITHOUT ROWID;

        CREATE TABLE events (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            ts         INTEGER NOT NULL,
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            type       TEXT NOT NULL,
            reason     TEXT NOT NULL,
            message    TEXT NOT NULL,
            field_path TEXT,
            count      INTEGER NOT NULL
        );
        CREATE INDEX events_by_object ON events (kind, name, id);

        CREATE TABLE state (
            key        TEXT PRIMARY KEY,
            json       TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>Upgrade steps; index i takes schema version i + 1 to i + 2 (none yet: version 1 is the first).</summary>
    public static readonly string[] Migrations = [];
}
