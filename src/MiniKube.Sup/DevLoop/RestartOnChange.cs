using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.DevLoop;

/// <summary>
/// The dev loop: objects whose pods carry <see cref="SupAnnotations.RestartOnChange"/> are restarted when a file they
/// name changes, once changes have paused for <see cref="Debounce"/>. A Deployment, StatefulSet or DaemonSet gets a
/// rolling restart, as `kubectl rollout restart` asks for one (its template's
/// <c>kubectl.kubernetes.io/restartedAt</c>, finer than kubectl's so that every restart changes it); a bare Pod's containers restart in place (its
/// <see cref="SupAnnotations.RestartedAt"/>, which the pod agent acts on). It only writes to the store.
/// </summary>
public sealed partial class RestartOnChange(ObjectStore store, TimeProvider time, string root, ILogger logger) : IAsyncDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private const string RolloutRestartedAt = "kubectl.kubernetes.io/restartedAt";
    private static readonly HashSet<string> Kinds = ["Pod", "Deployment", "StatefulSet", "DaemonSet"];

    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, Watch> _watches = new();
    private StoreSubscription? _subscription;

    public void Start() => _subscription ??= store.Subscribe("restart on change", kind => Kinds.Contains(kind), OnChanged, logger);

    private void OnChanged(ObjectEvent change)
    {
        var patterns = change.Type == ObjectEvent.Deleted ? null : PatternsOf(change.Stored!.Object);
        lock (_gate)
        {
            if (_watches.TryGetValue(change.Key, out var current))
            {
                if (current.Patterns == patterns) return;
                current.Dispose();
                _watches.Remove(change.Key);
            }
            if (patterns is null) return;
            var key = change.Key;
            Watch? watch = null;
            watch = new Watch(patterns, new WatchedFiles(patterns, root, path =>
            {
                if (watch is not null) Changed(key, watch, path);
            }), time);
            _watches[key] = watch;
        }
    }

    /// <summary>The annotation of the object's pods, for the objects the watch restarts (a Pod a controller owns is
    /// restarted through its owner).</summary>
    private static string? PatternsOf(IKubernetesObject<V1ObjectMeta> obj)
    {
        var annotations = obj switch
        {
            V1Pod p when p.Metadata.OwnerReferences?.Any(o => o.Controller == true) != true => p.Metadata.Annotations,
            V1Deployment d => d.Spec?.Template?.Metadata?.Annotations,
            V1StatefulSet s => s.Spec?.Template?.Metadata?.Annotations,
            V1DaemonSet ds => ds.Spec?.Template?.Metadata?.Annotations,
            _ => null,
        };
        return annotations?.TryGetValue(SupAnnotations.RestartOnChange, out var value) == true && value.Trim().Length > 0 ? value : null;
    }

    private void Changed(ObjectKey key, Watch watch, string path)
    {
        watch.LastPath = path;
        watch.Fire = () => Restart(key, watch);
        watch.Timer.Change(Debounce, Timeout.InfiniteTimeSpan);
    }

    private void Restart(ObjectKey key, Watch watch)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(key, out var current) || !ReferenceEquals(current, watch)) return;
        }
        var now = time.GetUtcNow();
        try
        {
            // Read-modify-write with retries: a status write since the read (the pod worker's, the controller's) is
            // a conflict to read again after, not a restart to drop until the next change.
            var restarted = key.Kind switch
            {
                "Pod" => store.Mutate<V1Pod>(key, pod =>
                {
                    (pod.Metadata.Annotations ??= new Dictionary<string, string>())[SupAnnotations.RestartedAt] =
                        Timestamp(now) + " " + Guid.NewGuid().ToString("N")[..6];
                    return true;
                }),
                _ => store.Mutate<IKubernetesObject<V1ObjectMeta>>(key, workload =>
                {
                    var template = workload switch
                    {
                        V1Deployment d => d.Spec?.Template,
                        V1StatefulSet s => s.Spec?.Template,
                        V1DaemonSet ds => ds.Spec?.Template,
                        _ => null,
                    };
                    if (template is null) return false;
                    template.Metadata ??= new V1ObjectMeta();
                    var annotations = template.Metadata.Annotations ??= new Dictionary<string, string>();
                    annotations[RolloutRestartedAt] = RestartedAt(now, annotations.TryGetValue(RolloutRestartedAt, out var previous) ? previous : null);
                    return true;
                }),
            };
            if (restarted is not null) LogRestarted(logger, key.Kind, key.Name, watch.LastPath ?? "");
        }
        catch (Exception e) when (e is ObjectDisposedException or StoreConflictException)
        {
            // the store closed (the daemon is stopping), or the object changed under every one of Mutate's retries
        }
    }

    /// <summary>The template's restartedAt for a restart at <paramref name="now"/>: RFC 3339 as kubectl writes it, but
    /// to the 100 ns, and always later than <paramref name="previous"/>. Only a template that changes is rolled out
    /// (a write that changes nothing is dropped), and kubectl's value, to the second, is the same for two restarts in
    /// one second (or on a clock that has not moved).</summary>
    internal static string RestartedAt(DateTimeOffset now, string? previous)
    {
        if (DateTimeOffset.TryParse(previous, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var before) && now <= before)
            now = before.AddTicks(1);
        return Timestamp(now);
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_subscription is { } subscription) await subscription.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var w in _watches.Values) w.Dispose();
            _watches.Clear();
        }
    }

    /// <summary>One object's watch: its patterns, the watcher, and the debounce timer.</summary>
    private sealed class Watch : IDisposable
    {
        public Watch(string patterns, WatchedFiles files, TimeProvider time)
        {
            Patterns = patterns;
            Files = files;
            Timer = time.CreateTimer(_ => Fire?.Invoke(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public string Patterns { get; }
        public WatchedFiles Files { get; }
        public ITimer Timer { get; }
        public volatile Action? Fire;
        public volatile string? LastPath;

        public void Dispose()
        {
            Files.Dispose();
            Timer.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}/{Name}: {Path} changed: restarting")]
    private static partial void LogRestarted(ILogger logger, string kind, string name, string path);
}
