using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Store;

/// <summary>Loading at open, the batch flusher of <see cref="Durability.Soon"/> writes, and the resourceVersion
/// ceiling.</summary>
public sealed partial class ObjectStore
{
    private static readonly TimeSpan FailedFlushRetry = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastFlushFailureLogged = DateTimeOffset.MinValue;
    private bool _flushFailing;

    /// <summary>Loads every stored object with a fresh resourceVersion above the ceiling an earlier life reached (so
    /// versions never go back), then raises the ceiling before anything is handed out.</summary>
    private void Load()
    {
        _rv = _db.ReadCeiling();
        _ceiling = long.MaxValue; // raised below, once
        var rows = _db.LoadAll();
        // Composing each object's JSON and parsing its model is most of a start with many objects stored, and each
        // row's is its own: done on every core, with the versions handed out in row order as one by one would.
        var first = _rv + 1;
        _rv += rows.Count;
        var versions = new StoredObject[rows.Count];
        Parallel.For(0, rows.Count, i => versions[i] = Version(rows[i].Key, first + i, rows[i].Object, rows[i].Status, rows[i].Source));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var loaded = row;
            var stored = versions[i];
            if (stored.Uid is null || stored.Object.Metadata.CreationTimestamp is null)
            {
                // Written by a sup that did not keep identities (schema 1): give it one now, and keep it from now on.
                var now = _time.GetUtcNow().UtcDateTime;
                var (spec, _) = ObjectParts.Split(stored.Object, meta =>
                {
                    meta.Uid ??= Guid.NewGuid().ToString();
                    meta.CreationTimestamp ??= now;
                    meta.Generation ??= ObjectParts.HasSpec(row.Key.Kind) ? 1 : null;
                });
                loaded = row with { Object = spec };
                stored = Version(row.Key, loaded.Object, loaded.Status, loaded.Source);
                _pending[row.Key] = loaded;
            }
            var entry = new Entry(stored);
            _objects[row.Key] = entry;
            if (!_byKind.TryGetValue(row.Key.Kind, out var ofKind)) _byKind[row.Key.Kind] = ofKind = new Dictionary<ObjectKey, Entry>();
            ofKind[row.Key] = entry;
            Index(entry);
        }
        _ceiling = _rv + CeilingBlock;
        _db.Commit(_pending.ToList(), _ceiling);
        _pending.Clear();
    }

    /// <summary>Queues a row (null: a deletion) for the flusher; a later write of the same object replaces it.
    /// Called under <c>_memory</c>.</summary>
    private void Defer(ObjectKey key, ObjectRow? row)
    {
        var first = _pending.Count == 0;
        _pending[key] = row;
        if (first) _flushSignal.Release();
    }

    /// <summary>The ceiling to commit with the next write, when the counter has come within half a block of it.
    /// Called under <c>_memory</c>.</summary>
    private long? CeilingWanted() => _rv + CeilingBlock / 2 > _ceiling ? _rv + CeilingBlock : null;

    /// <summary>Writes every <see cref="Durability.Soon"/> write made so far (and a raised ceiling, if due) in one
    /// transaction. Throws what the disk says when it fails; the writes stay queued for the next try.</summary>
    public void Flush()
    {
        lock (_disk)
        {
            Dictionary<ObjectKey, ObjectRow?> batch;
            long? ceiling;
            lock (_memory)
            {
                ceiling = CeilingWanted();
                if (_pending.Count == 0 && ceiling is null) return;
                batch = _pending;
                _pending = new Dictionary<ObjectKey, ObjectRow?>();
            }
            try
            {
                _db.Commit(batch, ceiling);
                if (ceiling is { } c) lock (_memory) _ceiling = Math.Max(_ceiling, c);
            }
            catch (StateStoreException)
            {
                lock (_memory)
                    foreach (var (key, row) in batch)
                        _pending.TryAdd(key, row); // unless written again meanwhile
                throw;
            }
        }
    }

    private async Task FlushLoopAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _flushSignal.WaitAsync(stop).ConfigureAwait(false);
                // Writes that come together go together: one fsync for a burst of pod status changes.
                await Task.Delay(FlushInterval, stop).ConfigureAwait(false);
                while (_flushSignal.CurrentCount > 0) _flushSignal.Wait(0);
                Flush();
                if (_flushFailing)
                {
                    _flushFailing = false;
                    _lastFlushFailureLogged = DateTimeOffset.MinValue;
                    LogFlushRecovered(_logger);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (StateStoreException e)
            {
                // A full disk must not lose what was written meanwhile: say so (once a minute) and try again.
                _flushFailing = true;
                var now = TimeProvider.System.GetUtcNow();
                if (now - _lastFlushFailureLogged > TimeSpan.FromMinutes(1))
                {
                    _lastFlushFailureLogged = now;
                    int waiting;
                    lock (_memory) waiting = _pending.Count;
                    LogFlushFailed(_logger, waiting, e.Message);
                }
                try { await Task.Delay(FailedFlushRetry, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                _flushSignal.Release();
            }
            catch (Exception e)
            {
                LogFlusherFailed(_logger, e);
            }
        }
    }

    /// <summary>Stops the flusher, writes what is queued, and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _stop.Cancel();
        try { _flusher.Wait(); } catch (AggregateException) { }
        try { Flush(); }
        catch (StateStoreException e) { LogFlushFailed(_logger, _pending.Count, e.Message); }
        _disposed = true;
        lock (_memory)
        {
            foreach (var listener in _listeners) listener.Close();
            _listeners.Clear();
        }
        lock (_disk) _db.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} change(s) of state (pod status, events, endpoints) not saved yet, kept and retried: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "state is saved again")]
    private static partial void LogFlushRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "the state flusher failed")]
    private static partial void LogFlusherFailed(ILogger logger, Exception e);
}
