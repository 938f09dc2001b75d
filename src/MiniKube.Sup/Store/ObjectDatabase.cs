using Microsoft.Data.Sqlite;

namespace MiniKube.Sup.Store;

/// <summary>
/// The store's file: one SQLite database (WAL journal, <c>synchronous=FULL</c>) with a row per object, its
/// metadata and spec apart from its status (so that a status write never rewrites what a user applied), and the
/// resourceVersion ceiling. Callers serialise every call (the store's disk lock); a commit is durable when
/// <see cref="Commit"/> returns, and a commit that throws changed nothing.
/// </summary>
internal sealed class ObjectDatabase : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SqliteCommand _begin, _commit, _rollback, _upsert, _delete, _setCeiling;
    private bool _disposed;

    private ObjectDatabase(SqliteConnection db, string path)
    {
        _db = db;
        Path = path;
        _begin = Command("BEGIN IMMEDIATE");
        _commit = Command("COMMIT");
        _rollback = Command("ROLLBACK");
        _upsert = Command(
            """
            INSERT INTO objects (kind, namespace, name, source, object, status) VALUES ($kind, $ns, $name, $source, $object, $status)
            ON CONFLICT (kind, namespace, name) DO UPDATE SET source = excluded.source, object = excluded.object, status = excluded.status
            """,
            "$kind", "$ns", "$name", "$source", "$object", "$status");
        _delete = Command("DELETE FROM objects WHERE kind = $kind AND namespace = $ns AND name = $name", "$kind", "$ns", "$name");
        _setCeiling = Command($"UPDATE meta SET value = $v WHERE key = '{StoreSchema.ResourceVersionKey}'", "$v");
    }

    /// <summary>The full path of the database file (or <c>:memory:</c>).</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed, with its directory) the database at <paramref name="path"/>, migrating an
    /// older schema. <c>:memory:</c> opens SQLite's in-memory database (tests).</summary>
    /// <exception cref="StateStoreException">the file is damaged, not a sup database, from a newer sup, or cannot be
    /// opened; the message names the file and what to do.</exception>
    public static ObjectDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var inMemory = path == ":memory:";
        var full = inMemory ? path : System.IO.Path.GetFullPath(path);
        SqliteConnection? db = null;
        try
        {
            if (!inMemory) DatabaseFile.Prepare(full);
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = inMemory ? SqliteOpenMode.Memory : SqliteOpenMode.ReadWriteCreate,
                // Our own single connection: Dispose must really close the file (and checkpoint the WAL).
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            db.Open();
            Initialise(db, full, inMemory);
            return new ObjectDatabase(db, full);
        }
        catch (Exception e) when (e is not StateStoreException)
        {
            db?.Dispose();
            throw Translate(full, e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    /// <summary>The highest resourceVersion a previous life may have handed out.</summary>
    public long ReadCeiling()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = $"SELECT value FROM meta WHERE key = '{StoreSchema.ResourceVersionKey}'";
        return Convert.ToInt64(cmd.ExecuteScalar() ?? throw Corrupt(Path, "the resourceVersion counter is missing", null));
    }

    /// <summary>Every stored object, in key order.</summary>
    public List<ObjectRow> LoadAll()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT kind, namespace, name, source, object, status FROM objects ORDER BY kind, namespace, name";
        using var reader = cmd.ExecuteReader();
        var rows = new List<ObjectRow>();
        while (reader.Read())
            rows.Add(new ObjectRow(new ObjectKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)), reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        return rows;
    }

    /// <summary>Writes rows (null: delete) and, if given, a new resourceVersion ceiling, in one transaction.</summary>
    public void Commit(IEnumerable<KeyValuePair<ObjectKey, ObjectRow?>> writes, long? ceiling = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _begin.ExecuteNonQuery();
            try
            {
                foreach (var (key, row) in writes)
                {
                    if (row is { } r) Execute(_upsert, key.Kind, key.Namespace, key.Name, r.Source, r.Object, r.Status);
                    else Execute(_delete, key.Kind, key.Namespace, key.Name);
                }
                if (ceiling is { } c) Execute(_setCeiling, c);
                _commit.ExecuteNonQuery();
            }
            catch
            {
                try { _rollback.ExecuteNonQuery(); }
                catch (SqliteException) { /* SQLite already rolled back (e.g. after an I/O error): nothing to undo */ }
                throw;
            }
        }
        catch (SqliteException e)
        {
            throw WriteFailure(Path, e);
        }
    }

    /// <summary>What a failed write says: the cause first, in the words of the system ("no space left on device"),
    /// and that nothing was changed (the API answers with it).</summary>
    private static StateStoreException WriteFailure(string path, SqliteException e) => e.SqliteErrorCode switch
    {
        13 /* SQLITE_FULL */ => new StateStoreException(path, StateStoreFailure.NoSpace,
            $"no space left on device writing {path}; nothing was changed (free space on its file system and try again)", e),
        11 /* SQLITE_CORRUPT */ or 26 /* SQLITE_NOTADB */ => Corrupt(path, e.Message, e),
        8 /* SQLITE_READONLY */ => new StateStoreException(path, StateStoreFailure.CannotWrite,
            $"cannot write {path}: the file or its file system is read-only; nothing was changed", e),
        5 /* SQLITE_BUSY */ or 6 /* SQLITE_LOCKED */ => new StateStoreException(path, StateStoreFailure.CannotWrite,
            $"cannot write {path}: another program holds it locked; nothing was changed", e),
        10 /* SQLITE_IOERR */ => new StateStoreException(path, StateStoreFailure.CannotWrite,
            $"I/O error writing {path} ({e.Message}); nothing was changed (check the disk and the kernel log)", e),
        _ => new StateStoreException(path, StateStoreFailure.CannotWrite, $"cannot write {path}: {e.Message}; nothing was changed", e),
    };

    private static void Initialise(SqliteConnection db, string path, bool inMemory)
    {
        Exec(db, "PRAGMA busy_timeout = 5000");
        // Reading the header first: a file that is not SQLite fails here with SQLITE_NOTADB.
        var version = Convert.ToInt32(Scalar(db, "PRAGMA user_version"));
        var applicationId = Convert.ToInt32(Scalar(db, "PRAGMA application_id"));
        var tables = Convert.ToInt64(Scalar(db, "SELECT count(*) FROM sqlite_master"));

        if (applicationId != StoreSchema.ApplicationId && (applicationId != 0 || tables > 0))
            throw new StateStoreException(path, StateStoreFailure.NotAStateDatabase,
                $"State database {path} is an SQLite database that sup did not create (application_id {applicationId:x}). " +
                "Point --state-dir at another directory, or move that file aside so sup can create its own.");
        if (version > StoreSchema.Version)
            throw new StateStoreException(path, StateStoreFailure.NewerSchema,
                $"State database {path} was written by a newer sup (schema version {version}; this sup knows up to " +
                $"{StoreSchema.Version}). Run the newer sup, or point --state-dir at another directory.");

        if (!inMemory)
        {
            // WAL: readers never block the writer, and a commit is one append + fsync. FULL: the WAL is synced at every
            // commit, so a commit that returned survives power loss, not only a process kill.
            var mode = Convert.ToString(Scalar(db, "PRAGMA journal_mode = WAL"));
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new StateStoreException(path, StateStoreFailure.CannotOpen,
                    $"State database {path} cannot use write-ahead logging (journal_mode is '{mode}'); " +
                    "the state dir must be on a local file system that supports shared memory (not NFS).");
            Exec(db, "PRAGMA synchronous = FULL");
            // After a checkpoint, a WAL that grew during a burst is cut back to this size.
            Exec(db, "PRAGMA journal_size_limit = 8388608");
        }

        if (version == 0)
        {
            using var tx = db.BeginTransaction();
            Exec(db, $"""
                {StoreSchema.Create}
                PRAGMA application_id = {StoreSchema.ApplicationId};
                PRAGMA user_version = {StoreSchema.Version};
                """, tx);
            tx.Commit();
        }
        else
        {
            for (var v = version; v < StoreSchema.Version; v++)
            {
                using var tx = db.BeginTransaction();
                StoreSchema.Migrations[v - 1](db, tx);
                Exec(db, $"PRAGMA user_version = {v + 1}", tx);
                tx.Commit();
            }
        }

        var check = Convert.ToString(Scalar(db, "PRAGMA quick_check"));
        if (check != "ok")
            throw Corrupt(path, $"integrity check: {check}", null);
    }

    private static StateStoreException Translate(string path, Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */ } s => Corrupt(path, s.Message, s),
        SqliteException { SqliteErrorCode: 13 /* SQLITE_FULL */ } s => new StateStoreException(path, StateStoreFailure.CannotOpen,
            $"Cannot open state database {path}: no space left on device. Free some space on its file system.", s),
        _ => new StateStoreException(path, StateStoreFailure.CannotOpen,
            $"Cannot open state database {path}: {e.Message}. Check that the state dir exists, is writable by this " +
            "user and has free space, and that no other program holds the database locked.", e),
    };

    private static StateStoreException Corrupt(string path, string detail, Exception? inner) =>
        new(path, StateStoreFailure.Corrupt,
            $"State database {path} is damaged or not a database ({detail}). Stop sup, move {path} (and its -wal and " +
            "-shm files) aside to keep it for inspection, and start sup again: it creates a new, empty database and " +
            "re-applies your manifests (statuses, events and Job history are lost).", inner);

    /// <summary>Checkpoints the WAL into the database file and closes it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Every commit is already durable in the WAL; the next open replays it.
        }
        foreach (var cmd in new[] { _begin, _commit, _rollback, _upsert, _delete, _setCeiling }) cmd.Dispose();
        _db.Dispose();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        cmd.Prepare();
        return cmd;
    }

    private static int Execute(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd.ExecuteNonQuery();
    }

    internal static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}

/// <summary>One stored object: its metadata and spec (<paramref name="Object"/>, Kubernetes JSON without status and
/// resourceVersion) and its status apart.</summary>
internal readonly record struct ObjectRow(ObjectKey Key, string Source, string Object, string? Status);
