using System.IO.Hashing;
using System.Text;
using System.Threading.Channels;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Events;

/// <summary>
/// Records events as core/v1 Event objects in the store (a repeat of the same event bumps its count, as Kubernetes'
/// event series do), off the caller's thread and written <see cref="Durability.Soon"/>: events are observations, and a
/// pod worker must not wait for the store (or the disk) to restart a container. At most <c>capacity</c> are kept, the
/// least recently seen dropped first.
/// </summary>
public sealed partial class EventRecorder : IEventRecorder, IAsyncDisposable
{
    public const string Source = "events";

    private readonly ObjectStore _store;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly LinkedList<ObjectKey> _order = new();
    private readonly Dictionary<ObjectKey, LinkedListNode<ObjectKey>> _nodes = new();
    private readonly Channel<SupEvent> _pending = Channel.CreateUnbounded<SupEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _writer;

    public EventRecorder(ObjectStore store, int capacity = 1000, ILogger? logger = null)
    {
        _store = store;
        _capacity = capacity;
        _logger = logger ?? NullLogger.Instance;
        // What an earlier life kept, oldest first, so that the cap drops the oldest.
        foreach (var e in store.List(Kinds.Event.Kind).OrderBy(o => o.As<Corev1Event>().LastTimestamp ?? DateTime.MinValue).ThenBy(o => o.ResourceVersion))
            _nodes[e.Key] = _order.AddLast(e.Key);
        Trim();
        _writer = Task.Run(WriteAsync);
    }

    public event Action<SupEvent>? Recorded;

    public void Record(SupEvent e)
    {
        _pending.Writer.TryWrite(e);
        Recorded?.Invoke(e);
    }

    private async Task WriteAsync()
    {
        await foreach (var e in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try { Publish(e); }
            catch (ObjectDisposedException) { return; }
            catch (Exception ex) { LogRecordFailed(_logger, ex, e.ObjectKind, e.ObjectName, e.Reason); }
        }
    }

    /// <summary>Writes what was recorded so far into the store and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private void Publish(SupEvent e)
    {
        var name = $"{e.ObjectName}.{Hash(e)}";
        var key = new ObjectKey(Kinds.Event.Kind, e.Namespace, name);
        lock (_gate)
        {
            var previous = _store.Get(key)?.As<Corev1Event>();
            var ev = new Corev1Event
            {
                ApiVersion = Kinds.Event.ApiVersion,
                Kind = Kinds.Event.Kind,
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = e.Namespace },
                InvolvedObject = new V1ObjectReference
                {
                    Kind = e.ObjectKind,
                    Name = e.ObjectName,
                    NamespaceProperty = Kinds.ByKind(e.ObjectKind)?.Namespaced == false ? null : e.Namespace,
                    ApiVersion = ApiVersionOf(e.ObjectKind),
                    FieldPath = e.FieldPath,
                    Uid = e.ObjectUid,
                },
                Type = e.Type,
                Reason = e.Reason,
                Message = e.Message,
                Count = (previous?.Count ?? 0) + 1,
                FirstTimestamp = previous?.FirstTimestamp ?? e.Timestamp.UtcDateTime,
                LastTimestamp = e.Timestamp.UtcDateTime,
                Source = new V1EventSource { Component = "sup", Host = Environment.MachineName },
                ReportingComponent = "sup",
                ReportingInstance = Environment.MachineName,
            };
            if (previous is null) _store.Create(ev, Source, Durability.Soon);
            else _store.Update(ev, Source, Durability.Soon);
            if (_nodes.Remove(key, out var node)) _order.Remove(node);
            _nodes[key] = _order.AddLast(key);
            Trim();
        }
    }

    private void Trim()
    {
        while (_order.Count > _capacity)
        {
            var oldest = _order.First!.Value;
            _order.RemoveFirst();
            _nodes.Remove(oldest);
            _store.Remove(oldest, uid: null, Durability.Soon);
        }
    }

    private static string ApiVersionOf(string kind) => Kinds.ByKind(kind)?.ApiVersion ?? "v1";

    /// <summary>What names one event's series: 64 bits of XxHash3 (no collision to fear among the thousand events
    /// kept), not a cryptographic hash: OpenSSL's SHA-256 mapped libcrypto's code back into a daemon that had given it
    /// up after start-up (with the spawn gate's random names, also OpenSSL's then: ~1.4 MiB at the first restart).</summary>
    private static string Hash(SupEvent e)
    {
        var key = string.Join('\0', e.ObjectKind, e.ObjectName, e.ObjectUid ?? "", e.Type, e.Reason, e.Message, e.FieldPath ?? "");
        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "event {Kind}/{Name} {Reason} could not be recorded")]
    private static partial void LogRecordFailed(ILogger logger, Exception e, string kind, string name, string reason);
}
