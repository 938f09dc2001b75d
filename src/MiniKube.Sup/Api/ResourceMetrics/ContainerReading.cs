using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>What is read of one running container at one moment: its live processes, and its cgroup's CPU time and
/// working set when it has a cgroup of its own (<see cref="CgroupUsage"/>).</summary>
public sealed record ContainerReading(string Namespace, string Pod, string Container, IReadOnlyList<ProcessInfo> Processes,
    long? CgroupCpuNanoseconds = null, long? CgroupWorkingSetBytes = null);
