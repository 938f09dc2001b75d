using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;
using MiniKube.Sup.Events;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>What every controller works with: the objects (desired, with the status controllers write back),
/// pod control, the clock, events, the store's key/value state (for what must survive a restart, e.g. a
/// CronJob's last schedule time), the state paths, and a logger.</summary>
public sealed record ControllerContext(
    ObjectRepository Repository,
    IPodControl Pods,
    TimeProvider Time,
    IEventRecorder Events,
    StateStore? Store,
    StatePaths Paths,
    ILogger Logger);
