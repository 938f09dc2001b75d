using System.Globalization;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace MiniKube.Sup.Api;

/// <summary>
/// The objects the API serves (pods with their live status, events, and every other applied object), each with
/// a resourceVersion from one counter, and the watch streams over them. Each stored version is serialized once,
/// when it is stored: readers get that JSON and never see a later mutation of the model.
/// </summary>
public sealed class ObjectRepository
{
    private const int HistoryLimit = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Kind, string Name), WatchEvent> _objects = new();
    private readonly LinkedList<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private long _resourceVersion;

    public ObjectRepository(long initialResourceVersion = 0) => _resourceVersion = initialResourceVersion;

    public long ResourceVersion
    {
        get { lock (_gate) return _resourceVersion; }
    }

    /// <summary>Raised after every change, outside the repository's lock (controllers enqueue work on it).</summary>
    public event Action<WatchEvent>? Changed;

    public WatchEvent Upsert(IKubernetesObject<V1ObjectMeta> obj)
    {
        WatchEvent e;
        lock (_gate)
        {
            var key = (obj.Kind, obj.Metadata.Name);
            var type = _objects.ContainsKey(key) ? WatchEvent.Modified : WatchEvent.Added;
            e = Record(type, obj, key);
        }
        Changed?.Invoke(e);
        return e;
    }

    /// <summary>Stores the object only if it differs from the stored version in more than its resourceVersion
    /// (a controller writing back an unchanged status must not wake every watcher, itself included).</summary>
    public WatchEvent? UpsertIfChanged(IKubernetesObject<V1ObjectMeta> obj)
    {
        lock (_gate)
        {
            if (_objects.TryGetValue((obj.Kind, obj.Metadata.Name), out var current))
            {
                var rv = obj.Metadata.ResourceVersion;
                obj.Metadata.ResourceVersion = current.Object.Metadata.ResourceVersion;
                var same = KubernetesJson.Serialize(obj) == current.Json;
                obj.Metadata.ResourceVersion = rv;
                if (same) return null;
            }
        }
        return Upsert(obj);
    }

    /// <summary>Read-modify-write of one stored object under the repository's lock (k8s: an update conditional on
    /// the resourceVersion that was read), so that writers of different parts of an object — a user's new spec, a
    /// controller's status, another controller's replica count — never undo each other. <paramref name="change"/>
    /// gets a private copy and returns false to leave the object as it is; nothing is stored when it is unchanged.</summary>
    public WatchEvent? Update<T>(string kind, string name, Func<T, bool> change) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        WatchEvent e;
        lock (_gate)
        {
            if (!_objects.TryGetValue((kind, name), out var current)) return null;
            var copy = KubernetesJson.Deserialize<T>(current.Json);
            if (!change(copy)) return null;
            copy.Metadata.ResourceVersion = current.Object.Metadata.ResourceVersion;
            if (KubernetesJson.Serialize(copy) == current.Json) return null;
            e = Record(WatchEvent.Modified, copy, (kind, name));
        }
        Changed?.Invoke(e);
        return e;
    }

    public WatchEvent? Remove(string kind, string name)
    {
        WatchEvent e;
        lock (_gate)
        {
            if (!_objects.TryGetValue((kind, name), out var last)) return null;
            e = Record(WatchEvent.Deleted, last.Object, (kind, name));
        }
        Changed?.Invoke(e);
        return e;
    }

    public WatchEvent? Get(string kind, string name)
    {
        lock (_gate) return _objects.GetValueOrDefault((kind, name));
    }

    public IReadOnlyList<WatchEvent> List(string kind)
    {
        lock (_gate)
            return _objects.Values.Where(e => e.Kind == kind).OrderBy(e => e.Object.Metadata.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Starts a watch of one kind. From a resourceVersion still in history it replays what came after;
    /// otherwise (or with none) it starts with every current object as ADDED, as the API server does for 0.</summary>
    public Watcher Watch(string kind, long? fromResourceVersion)
    {
        lock (_gate)
        {
            var watcher = new Watcher(this, kind);
            var oldest = _history.First?.Value.ResourceVersion ?? _resourceVersion + 1;
            if (fromResourceVersion is { } from && from > 0 && from >= oldest - 1)
            {
                foreach (var e in _history)
                    if (e.ResourceVersion > from && e.Kind == kind) watcher.Offer(e);
            }
            else
            {
                foreach (var e in _objects.Values.Where(e => e.Kind == kind).OrderBy(e => e.ResourceVersion))
                    watcher.Offer(e with { Type = WatchEvent.Added });
            }
            _watchers.Add(watcher);
            return watcher;
        }
    }

    private WatchEvent Record(string type, IKubernetesObject<V1ObjectMeta> obj, (string Kind, string Name) key)
    {
        var rv = ++_resourceVersion;
        obj.Metadata.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
        var e = new WatchEvent(rv, type, key.Kind, obj, KubernetesJson.Serialize(obj));
        if (type == WatchEvent.Deleted) _objects.Remove(key);
        else _objects[key] = e;
        _history.AddLast(e);
        while (_history.Count > HistoryLimit) _history.RemoveFirst();
        foreach (var w in _watchers)
            if (w.Kind == key.Kind) w.Offer(e);
        return e;
    }

    private void Unsubscribe(Watcher watcher)
    {
        lock (_gate) _watchers.Remove(watcher);
    }

    /// <summary>One client's watch: read <see cref="Events"/> until done, then dispose.</summary>
    public sealed class Watcher : IDisposable
    {
        private readonly ObjectRepository _owner;
        private readonly Channel<WatchEvent> _channel = Channel.CreateBounded<WatchEvent>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal Watcher(ObjectRepository owner, string kind)
        {
            _owner = owner;
            Kind = kind;
        }

        public string Kind { get; }

        public ChannelReader<WatchEvent> Events => _channel.Reader;

        internal void Offer(WatchEvent e) => _channel.Writer.TryWrite(e);

        public void Dispose()
        {
            _owner.Unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }
}
