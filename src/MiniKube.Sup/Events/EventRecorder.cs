using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Api;
using MiniKube.Sup.Diagnostics;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Events;

/// <summary>
/// Records events as the API serves them (core/v1 Event objects; a repeat of the same event bumps its count,
/// as Kubernetes' event series do) and persists them to the store off the caller's path: events are
/// observations, and a pod worker must not wait for an fsync to restart a container.
/// </summary>
public sealed partial class EventRecorder : IEventRecorder, IAsyncDisposable
{
    private readonly StateStore _store;
    private readonly ObjectRepository _repository;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _order = new();
    private readonly Channel<SupEvent> _pending = Channel.CreateUnbounded<SupEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly ILogger _logger;
    private readonly LossReport _losses;

    /// <param name="logger">where events that cannot be saved (a full disk) are reported, once a minute at most</param>
    public EventRecorder(StateStore store, ObjectRepository repository, int capacity = 1000, ILogger? logger = null, TimeProvider? time = null)
    {
        _store = store;
        _repository = repository;
        _capacity = capacity;
        _logger = logger ?? NullLogger.Instance;
        _losses = new LossReport(time ?? TimeProvider.System, TimeSpan.FromMinutes(1));
        _writer = Task.Run(WriteAsync);
    }

    public event Action<SupEvent>? Recorded;

    /// <summary>Serves the events a previous run stored.</summary>
    public void LoadFromStore()
    {
        foreach (var e in _store.ListEvents())
            Publish(new SupEvent(e.Timestamp, e.ObjectKind, e.ObjectName, e.Type, e.Reason, e.Message, e.FieldPath), e.Count);
    }

    public void Record(SupEvent e)
    {
        Publish(e, count: null);
        _pending.Writer.TryWrite(e);
        Recorded?.Invoke(e);
    }

    private void Publish(SupEvent e, int? count)
    {
        var name = $"{e.ObjectName}.{Hash(e)}";
        lock (_gate)
        {
            var previous = _repository.Get("Event", name)?.Object as Corev1Event;
            var ev = new Corev1Event
            {
                ApiVersion = "v1",
                Kind = "Event",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = "default",
                    CreationTimestamp = previous?.Metadata.CreationTimestamp ?? e.Timestamp.UtcDateTime,
                    Uid = previous?.Metadata.Uid ?? Guid.NewGuid().ToString(),
                },
                InvolvedObject = new V1ObjectReference
                {
                    Kind = e.ObjectKind,
                    Name = e.ObjectName,
                    NamespaceProperty = "default",
                    ApiVersion = ResourceKinds.ByKind(e.ObjectKind)?.ApiVersion ?? "v1",
                    FieldPath = e.FieldPath,
                    Uid = e.ObjectUid,
                },
                Type = e.Type,
                Reason = e.Reason,
                Message = e.Message,
                Count = count ?? (previous?.Count ?? 0) + 1,
                FirstTimestamp = previous?.FirstTimestamp ?? e.Timestamp.UtcDateTime,
                LastTimestamp = e.Timestamp.UtcDateTime,
                Source = new V1EventSource { Component = "sup", Host = Environment.MachineName },
                ReportingComponent = "sup",
                ReportingInstance = Environment.MachineName,
            };
            _repository.Upsert(ev);
            _order.Remove(name);
            _order.AddLast(name);
            while (_order.Count > _capacity)
            {
                _repository.Remove("Event", _order.First!.Value);
                _order.RemoveFirst();
            }
        }
    }

    private async Task WriteAsync()
    {
        await foreach (var e in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                _store.AppendEvent(e.Timestamp, e.ObjectKind, e.ObjectName, e.Type, e.Reason, e.Message, e.FieldPath);
                if (_losses.Recovered() is { } lost) LogSavedAgain(_logger, lost);
            }
            catch (Exception failure) when (!_pending.Reader.Completion.IsCompleted)
            {
                // A full disk loses events (still served from memory until the daemon stops), never the daemon; said
                // in its log, not silently.
                if (_losses.Lost(1) is { } lost) LogNotSaved(_logger, lost, failure.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} event(s) not saved (served until the daemon stops, then lost): {Reason}")]
    private static partial void LogNotSaved(ILogger logger, long count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "events are saved again ({Count} were not saved)")]
    private static partial void LogSavedAgain(ILogger logger, long count);

    private static string Hash(SupEvent e)
    {
        var key = string.Join('\0', e.ObjectKind, e.ObjectName, e.ObjectUid ?? "", e.Type, e.Reason, e.Message, e.FieldPath ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

}
