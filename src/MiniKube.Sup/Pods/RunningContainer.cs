using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>A container of a pod as the process view and the log reader need it: its main pid (0 when not
/// running), the owner mark of its processes, its current instance's restart count, and whether its output has
/// all been written; and the running instance itself, which knows where its processes are.</summary>
public sealed record RunningContainer(string Name, int MasterPid, string OwnerToken, int RestartCount, Task? OutputDrained, IContainerInstance? Instance = null);
