using Microsoft.Data.Sqlite;

namespace MiniKube.Sup.Store;

/// <summary>
/// The daemon's durable state: desired objects, statuses, events, and a key-value table for Job/CronJob history and
/// other small controller state, in one SQLite database (WAL journal, <c>synchronous=FULL</c>).
/// </summary>
/// <remarks>
/// <para>Durability: every write method commits (and so fsyncs the WAL) before it returns; a change is durable when
/// the call returns, and a write that throws changed nothing. A daemon killed at any moment leaves a database that
/// opens and holds every write whose call returned. A write that fails (a full disk, a read-only file system, an I/O
/// error) throws a <see cref="StateStoreException"/> (<see cref="StateStoreFailure.NoSpace"/>,
/// <see cref="StateStoreFailure.CannotWrite"/>) whose message names the file; the store stays usable, and the same
/// write succeeds once the cause is gone.</para>
/// <para>Thread-safety: one connection, guarded by one lock; every member may be called from any thread. Calls are
/// serialised, so keep the per-call work small (batch with <see cref="PutStatuses"/> and
/// <see cref="ReplaceSource"/>).</para>
/// <para>ResourceVersion: one store-wide counter, persisted, bumped by every change of a desired object (put with a
/// different Json or source, delete); it never goes back, also across restarts. Statuses, events and state do not
/// bump it.</para>
/// <para>Keys are compared exactly (ordinal): callers pass canonical kinds (<c>Deployment</c>) and names.</para>
/// </remarks>
public sealed class StateStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _db;
    private readonly TimeProvider _time;
    private readonly List<SqliteCommand> _commands = [];
    private long _rv;
    private long _eventCount;
    private bool _disposed;

    private readonly SqliteCommand _begin, _commit, _rollback, _getRv, _setRv;
    private readonly SqliteCommand _getObject, _upsertObject, _deleteObject, _objectsOfSource, _listObjects, _listObjectsOfKind;
    private readonly SqliteCommand _putStatus, _getStatus, _deleteStatus, _listStatuses, _listStatusesOfKind;
    private readonly SqliteCommand _findEvent, _deleteEvent, _insertEvent, _trimEvents;
    private readonly SqliteCommand _putState, _getState, _listState, _deleteState;

    /// <summary>The most events kept; when more are appended the oldest are dropped first.</summary>
    public int MaxEvents { get; }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    private StateStore(SqliteConnection db, string path, int maxEvents, TimeProvider time)
    {
        _db = db;
        Path = path;
        MaxEvents = maxEvents;
        _time = time;

        _begin = Command("BEGIN IMMEDIATE");
        _commit = Command("COMMIT");
        _rollback = Command("ROLLBACK");
        _getRv = Command($"SELECT value FROM meta WHERE key = '{StoreSchema.ResourceVersionKey}'");
        _setRv = Command($"UPDATE meta SET value = $rv WHERE key = '{StoreSchema.ResourceVersionKey}'", "$rv");

        const string objectColumns = "kind, name, json, source, rv, updated_at";
        _getObject = Command($"SELECT {objectColumns} FROM objects WHERE kind = $kind AND name = $name", "$kind", "$name");
        _upsertObject = Command(
            """
            INSERT INTO objects (kind, name, json, source, rv, updated_at) VALUES ($kind, $name, $json, $source, $rv, $at)
            ON CONFLICT (kind, name) DO UPDATE SET json = excluded.json, source = excluded.source, rv = excluded.rv, updated_at = excluded.updated_at
            """,
            "$kind", "$name", "$json", "$source", "$rv", "$at");
        _deleteObject = Command("DELETE FROM objects WHERE kind = $kind AND name = $name", "$kind", "$name");
        _objectsOfSource = Command($"SELECT {objectColumns} FROM objects WHERE source = $source ORDER BY kind, name", "$source");
        _listObjects = Command($"SELECT {objectColumns} FROM objects ORDER BY kind, name");
        _listObjectsOfKind = Command($"SELECT {objectColumns} FROM objects WHERE kind = $kind ORDER BY name", "$kind");

        // An unchanged status is not rewritten: the statement changes no page, so its commit costs no fsync.
        _putStatus = Command(
            """
            INSERT INTO statuses (kind, name, json, updated_at) VALUES ($kind, $name, $json, $at)
            ON CONFLICT (kind, name) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
            WHERE statuses.json IS NOT excluded.json
            """,
            "$kind", "$name", "$json", "$at");
        _getStatus = Command("SELECT json FROM statuses WHERE kind = $kind AND name = $name", "$kind", "$name");
        _deleteStatus = Command("DELETE FROM statuses WHERE kind = $kind AND name = $name", "$kind", "$name");
        _listStatuses = Command("SELECT kind, name, json FROM statuses ORDER BY kind, name");
        _listStatusesOfKind = Command("SELECT kind, name, json FROM statuses WHERE kind = $kind ORDER BY name", "$kind");

        _findEvent = Command(
            """
            SELECT id, count FROM events
            WHERE kind = $kind AND name = $name AND type = $type AND reason = $reason AND message = $message AND field_path IS $fieldPath
            ORDER BY id DESC LIMIT 1
            """,
            "$kind", "$name", "$type", "$reason", "$message", "$fieldPath");
        _deleteEvent = Command("DELETE FROM events WHERE id = $id", "$id");
        _insertEvent = Command(
            """
            INSERT INTO events (ts, kind, name, type, reason, message, field_path, count)
            VALUES ($ts, $kind, $name, $type, $reason, $message, $fieldPath, $count) RETURNING id
            """,
            "$ts", "$kind", "$name", "$type", "$reason", "$message", "$fieldPath", "$count");
        _trimEvents = Command("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT $n)", "$n");

        _putState = Command(
            """
            INSERT INTO state (key, json, updated_at) VALUES ($key, $json, $at)
            ON CONFLICT (key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
            WHERE state.json IS NOT excluded.json
            """,
            "$key", "$json", "$at");
        _getState = Command("SELECT json FROM state WHERE key = $key", "$key");
        // Keys with a given prefix are contiguous in SQLite's binary (UTF-8) order from the prefix on; the reader stops
        // at the first key without it.
        _listState = Command("SELECT key, json FROM state WHERE key >= $prefix ORDER BY key", "$prefix");
        _deleteState = Command("DELETE FROM state WHERE key = $key", "$key");
    }

    /// <summary>Opens (creating if needed, with its directory) the state database at <paramref name="path"/>.</summary>
    /// <param name="maxEvents">how many events are kept; older ones are dropped first (also at open, if the file holds more).</param>
    /// <param name="time">the clock for <see cref="StoredObject.UpdatedAt"/>; the system clock by default.</param>
    /// <exception cref="StateStoreException">the file is damaged, not a sup database, from a newer sup, or cannot be
    /// opened; the message names the file and what to do.</exception>
    public static StateStore Open(string path, int maxEvents = 1000, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var full = System.IO.Path.GetFullPath(path);

        SqliteConnection? db = null;
        try
        {
            DatabaseFile.Prepare(full);
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                // Our own single connection: Dispose must really close the file (and checkpoint the WAL).
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            db.Open();
            Initialise(db, full);
            var store = new StateStore(db, full, maxEvents, time ?? TimeProvider.System);
            store.Load();
            return store;
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

    private static void Initialise(SqliteConnection db, string path)
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
        Exec(db, "PRAGMA foreign_keys = ON");

        if (version == 0)
        {
            Transaction(db, $"""
                {StoreSchema.Create}
                PRAGMA application_id = {StoreSchema.ApplicationId};
                PRAGMA user_version = {StoreSchema.Version};
                """);
        }
        else
        {
            for (var v = version; v < StoreSchema.Version; v++)
                Transaction(db, $"""
                    {StoreSchema.Migrations[v - 1]}
                    PRAGMA user_version = {v + 1};
                    """);
        }

        var check = Convert.ToString(Scalar(db, "PRAGMA quick_check"));
        if (check != "ok")
            throw Corrupt(path, $"integrity check: {check}", null);
    }

    private void Load()
    {
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = $"SELECT value FROM meta WHERE key = '{StoreSchema.ResourceVersionKey}'";
            _rv = Convert.ToInt64(cmd.ExecuteScalar() ?? throw Corrupt(Path, "the resourceVersion counter is missing", null));
            cmd.CommandText = "SELECT count(*) FROM events";
            _eventCount = Convert.ToInt64(cmd.ExecuteScalar());
        }
        if (_eventCount > MaxEvents) InTransaction(TrimEvents);
    }

    private static StateStoreException Translate(string path, Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */ } s => Corrupt(path, s.Message, s),
        _ => new StateStoreException(path, StateStoreFailure.CannotOpen,
            $"Cannot open state database {path}: {e.Message}. Check that the state dir exists, is writable by this " +
            "user and has free space, and that no other program holds the database locked.", e),
    };

    private static StateStoreException Corrupt(string path, string detail, Exception? inner) =>
        new(path, StateStoreFailure.Corrupt,
            $"State database {path} is damaged or not a database ({detail}). Stop sup, move {path} (and its -wal and " +
            "-shm files) aside to keep it for inspection, and start sup again: it creates a new, empty database and " +
            "re-applies your manifests (statuses, events and Job history are lost).", inner);

    // ---------------------------------------------------------------------------------------------------- objects

    /// <summary>The resourceVersion of the last change of a desired object (0 in a new database).</summary>
    public long CurrentResourceVersion
    {
        get { lock (_gate) return _rv; }
    }

    /// <summary>Stores the desired object (kind, name), replacing any earlier one (from any source).
    /// Returns its resourceVersion: a new one, or the current one if Json and source are both unchanged (then nothing
    /// is written). Durable when it returns.</summary>
    public long PutObject(string kind, string name, string json, string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            ThrowIfDisposed();
            var now = Now();
            long rv = 0;
            var result = InTransaction(() =>
            {
                rv = ReadRv();
                var existing = ReadObject(kind, name);
                if (existing is not null && existing.Json == json && existing.Source == source) return existing.ResourceVersion;
                rv++;
                Upsert(kind, name, json, source, rv, now);
                SetRv(rv);
                return rv;
            });
            _rv = rv;
            return result;
        }
    }

    /// <summary>Deletes the desired object and its status. Returns the resourceVersion of the deletion, or null if
    /// there was no such object (its status, if any, is still deleted). Durable when it returns.</summary>
    public long? DeleteObject(string kind, string name)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            long rv = 0;
            var result = InTransaction(() =>
            {
                rv = ReadRv();
                Execute(_deleteStatus, kind, name);
                if (Execute(_deleteObject, kind, name) == 0) return (long?)null;
                SetRv(++rv);
                return rv;
            });
            _rv = rv;
            return result;
        }
    }

    public StoredObject? GetObject(string kind, string name)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return ReadObject(kind, name);
        }
    }

    /// <summary>All desired objects, or those of one kind, ordered by kind and name.</summary>
    public IReadOnlyList<StoredObject> ListObjects(string? kind = null)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return kind is null ? ReadObjects(_listObjects) : ReadObjects(Bind(_listObjectsOfKind, kind));
        }
    }

    /// <summary>The desired objects that came from <paramref name="source"/>, ordered by kind and name.</summary>
    public IReadOnlyList<StoredObject> ListObjectsOfSource(string source)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return ReadObjects(Bind(_objectsOfSource, source));
        }
    }

    /// <summary>
    /// Makes <paramref name="objects"/> the whole content of <paramref name="source"/>, in one transaction: objects not
    /// yet stored are added, objects whose Json differs are updated, and objects of that source that are not in the
    /// list are removed (with their statuses). Only added, updated and removed objects get a new resourceVersion.
    /// An object stored under another source is taken over by this one (the last writer owns it); if only its source
    /// changes it keeps its resourceVersion and is reported as unchanged. Durable when it returns.
    /// </summary>
    /// <exception cref="ArgumentException">the list names an object twice.</exception>
    public SourceChanges ReplaceSource(string source, IReadOnlyList<(string Kind, string Name, string Json)> objects)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(objects);
        var seen = new HashSet<(string, string)>();
        foreach (var (kind, name, json) in objects)
        {
            ArgumentException.ThrowIfNullOrEmpty(kind);
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(json);
            if (!seen.Add((kind, name))) throw new ArgumentException($"{kind}/{name} appears twice in {source}", nameof(objects));
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            var now = Now();
            long rv = 0;
            var changes = InTransaction(() =>
            {
                rv = ReadRv();
                var before = rv;
                List<StoredObject> added = [], updated = [], removed = [], unchanged = [];
                var previous = ReadObjects(Bind(_objectsOfSource, source));
                foreach (var (kind, name, json) in objects)
                {
                    var existing = ReadObject(kind, name);
                    if (existing is not null && existing.Json == json)
                    {
                        if (existing.Source != source)
                        {
                            Upsert(kind, name, json, source, existing.ResourceVersion, existing.UpdatedAt);
                            existing = existing with { Source = source };
                        }
                        unchanged.Add(existing);
                        continue;
                    }
                    rv++;
                    Upsert(kind, name, json, source, rv, now);
                    (existing is null ? added : updated).Add(new StoredObject(kind, name, json, source, rv, now));
                }
                foreach (var old in previous)
                {
                    if (seen.Contains((old.Kind, old.Name))) continue;
                    Execute(_deleteStatus, old.Kind, old.Name);
                    Execute(_deleteObject, old.Kind, old.Name);
                    rv++;
                    removed.Add(old with { ResourceVersion = rv, UpdatedAt = now });
                }
                if (rv != before) SetRv(rv);
                return new SourceChanges(added, updated, removed, unchanged);
            });
            _rv = rv;
            return changes;
        }
    }

    // ---------------------------------------------------------------------------------------------------- statuses

    /// <summary>Stores the observed status of (kind, name); an unchanged status costs no disk write. Durable when it
    /// returns. Statuses are independent of desired objects (a pod made by a Deployment has a status and no desired
    /// object), but deleting a desired object deletes its status too.</summary>
    public void PutStatus(string kind, string name, string statusJson)
    {
        ArgumentNullException.ThrowIfNull(statusJson);
        lock (_gate)
        {
            ThrowIfDisposed();
            Writing(() => Execute(_putStatus, kind, name, statusJson, Now().UtcTicks));
        }
    }

    /// <summary>Stores many statuses in one transaction (one fsync). Durable when it returns.</summary>
    public void PutStatuses(IReadOnlyList<(string Kind, string Name, string StatusJson)> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        lock (_gate)
        {
            ThrowIfDisposed();
            var at = Now().UtcTicks;
            InTransaction(() =>
            {
                foreach (var (kind, name, json) in batch) Execute(_putStatus, kind, name, json, at);
                return 0;
            });
        }
    }

    public string? GetStatus(string kind, string name)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return Bind(_getStatus, kind, name).ExecuteScalar() as string;
        }
    }

    /// <summary>Deletes the status of (kind, name); false if there was none.</summary>
    public bool DeleteStatus(string kind, string name)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return Writing(() => Execute(_deleteStatus, kind, name)) > 0;
        }
    }

    /// <summary>All statuses, or those of one kind, ordered by kind and name.</summary>
    public IReadOnlyList<(string Kind, string Name, string StatusJson)> ListStatuses(string? kind = null)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var reader = (kind is null ? _listStatuses : Bind(_listStatusesOfKind, kind)).ExecuteReader();
            var list = new List<(string, string, string)>();
            while (reader.Read()) list.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            return list;
        }
    }

    // ---------------------------------------------------------------------------------------------------- events

    /// <summary>
    /// Appends an event; durable when it returns. At most <see cref="MaxEvents"/> are kept, the oldest dropped first.
    /// A series: if a stored event has the same object (kind, name, field path), type, reason and message, that
    /// event is replaced by this one, which gets a new (higher) Id, this timestamp and the old Count + 1. So a
    /// repeating event (a crash loop's BackOff) takes one slot instead of pushing others out, and a reader that
    /// follows new Ids (<see cref="ListEvents"/> with <c>afterId</c>) sees each repetition.
    /// </summary>
    public StoredEvent AppendEvent(DateTimeOffset timestamp, string objectKind, string objectName, string type, string reason,
        string message, string? fieldPath)
    {
        ArgumentNullException.ThrowIfNull(objectKind);
        ArgumentNullException.ThrowIfNull(objectName);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            ThrowIfDisposed();
            var count = _eventCount;
            var stored = InTransaction(() =>
            {
                var repeats = 1;
                long? earlier = null;
                using (var reader = Bind(_findEvent, objectKind, objectName, type, reason, message, fieldPath).ExecuteReader())
                {
                    if (reader.Read())
                    {
                        earlier = reader.GetInt64(0);
                        repeats = checked(reader.GetInt32(1) + 1);
                    }
                }
                if (earlier is { } id) Execute(_deleteEvent, id);
                else count++;
                var newId = Convert.ToInt64(Bind(_insertEvent, timestamp.UtcTicks, objectKind, objectName, type, reason, message,
                    fieldPath, repeats).ExecuteScalar());
                if (count > MaxEvents)
                {
                    Execute(_trimEvents, count - MaxEvents);
                    count = MaxEvents;
                }
                return new StoredEvent(newId, timestamp.ToUniversalTime(), objectKind, objectName, type, reason, message, fieldPath, repeats);
            });
            _eventCount = count;
            return stored;
        }
    }

    /// <summary>The kept events with Id greater than <paramref name="afterId"/>, oldest first, optionally only those
    /// of one kind, or of one object.</summary>
    public IReadOnlyList<StoredEvent> ListEvents(string? objectKind = null, string? objectName = null, long afterId = 0)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = _db.CreateCommand();
            var sql = "SELECT id, ts, kind, name, type, reason, message, field_path, count FROM events WHERE id > $after";
            cmd.Parameters.AddWithValue("$after", afterId);
            if (objectKind is not null)
            {
                sql += " AND kind = $kind";
                cmd.Parameters.AddWithValue("$kind", objectKind);
            }
            if (objectName is not null)
            {
                sql += " AND name = $name";
                cmd.Parameters.AddWithValue("$name", objectName);
            }
            cmd.CommandText = sql + " ORDER BY id";
            using var reader = cmd.ExecuteReader();
            var list = new List<StoredEvent>();
            while (reader.Read())
                list.Add(new StoredEvent(reader.GetInt64(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetString(2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt32(8)));
            return list;
        }
    }

    private int TrimEvents()
    {
        var n = _eventCount - MaxEvents;
        if (n <= 0) return 0;
        Execute(_trimEvents, n);
        _eventCount = MaxEvents;
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------- state

    /// <summary>Stores a value in the key-value table (Job and CronJob history, lastScheduleTime, other small
    /// controller state). Suggested keys: <c>cronjob/NAME/lastScheduleTime</c>, <c>job/NAME/history/…</c>, so that
    /// <see cref="ListState"/> and <see cref="DeleteStatePrefix"/> work on one owner. Durable when it returns.</summary>
    public void PutState(string key, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(json);
        lock (_gate)
        {
            ThrowIfDisposed();
            Writing(() => Execute(_putState, key, json, Now().UtcTicks));
        }
    }

    public string? GetState(string key)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return Bind(_getState, key).ExecuteScalar() as string;
        }
    }

    /// <summary>The entries whose key starts with <paramref name="keyPrefix"/> (ordinal), ordered by key.</summary>
    public IReadOnlyList<(string Key, string Json)> ListState(string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        lock (_gate)
        {
            ThrowIfDisposed();
            return ReadStatePrefix(keyPrefix);
        }
    }

    /// <summary>Deletes one entry (nothing if absent). Durable when it returns.</summary>
    public void DeleteState(string key)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Writing(() => Execute(_deleteState, key));
        }
    }

    /// <summary>Deletes every entry whose key starts with <paramref name="keyPrefix"/>, in one transaction; returns
    /// how many. Durable when it returns.</summary>
    public int DeleteStatePrefix(string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        lock (_gate)
        {
            ThrowIfDisposed();
            return InTransaction(() =>
            {
                var entries = ReadStatePrefix(keyPrefix);
                foreach (var (key, _) in entries) Execute(_deleteState, key);
                return entries.Count;
            });
        }
    }

    private List<(string Key, string Json)> ReadStatePrefix(string keyPrefix)
    {
        using var reader = Bind(_listState, keyPrefix).ExecuteReader();
        var list = new List<(string, string)>();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!key.StartsWith(keyPrefix, StringComparison.Ordinal)) break;
            list.Add((key, reader.GetString(1)));
        }
        return list;
    }

    // ---------------------------------------------------------------------------------------------------- plumbing

    /// <summary>Checkpoints the WAL into the database file and closes it.</summary>
    public void Dispose()
    {
        lock (_gate)
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
            foreach (var cmd in _commands) cmd.Dispose();
            _db.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private DateTimeOffset Now() => _time.GetUtcNow();

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        cmd.Prepare();
        _commands.Add(cmd);
        return cmd;
    }

    private static SqliteCommand Bind(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd;
    }

    private static int Execute(SqliteCommand cmd, params object?[] values) => Bind(cmd, values).ExecuteNonQuery();

    /// <summary>Runs <paramref name="body"/> in a write transaction (BEGIN IMMEDIATE: the write lock is taken up front)
    /// and commits; on any failure rolls back and rethrows. Raw BEGIN/COMMIT rather than SqliteTransaction, so the
    /// cached prepared commands need no Transaction property. Callers hold the lock.</summary>
    private T InTransaction<T>(Func<T> body) => Writing(() =>
    {
        _begin.ExecuteNonQuery();
        try
        {
            var result = body();
            _commit.ExecuteNonQuery();
            return result;
        }
        catch
        {
            try
            {
                _rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // SQLite already rolled back (e.g. after an I/O error): nothing to undo.
            }
            throw;
        }
    });

    /// <summary>Runs a write; what SQLite reports when it fails (a full disk, a read-only file, an I/O error) becomes a
    /// <see cref="StateStoreException"/> whose message names the file, so that the API can answer with it.</summary>
    private T Writing<T>(Func<T> write)
    {
        try
        {
            return write();
        }
        catch (SqliteException e)
        {
            throw WriteFailure(Path, e);
        }
    }

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

    /// <summary>Read inside the write transaction rather than taken from <see cref="_rv"/>, so versions stay unique and
    /// increasing even if another process (a tool) wrote to the same file.</summary>
    private long ReadRv() => Convert.ToInt64(_getRv.ExecuteScalar());

    private void SetRv(long rv) => Execute(_setRv, rv);

    private void Upsert(string kind, string name, string json, string source, long rv, DateTimeOffset at) =>
        Execute(_upsertObject, kind, name, json, source, rv, at.UtcTicks);

    private StoredObject? ReadObject(string kind, string name)
    {
        using var reader = Bind(_getObject, kind, name).ExecuteReader();
        return reader.Read() ? ObjectFrom(reader) : null;
    }

    private static List<StoredObject> ReadObjects(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var list = new List<StoredObject>();
        while (reader.Read()) list.Add(ObjectFrom(reader));
        return list;
    }

    private static StoredObject ObjectFrom(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero));

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Transaction(SqliteConnection db, string sql)
    {
        using var tx = db.BeginTransaction();
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
        tx.Commit();
    }
}
