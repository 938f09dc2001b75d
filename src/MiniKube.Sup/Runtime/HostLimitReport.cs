using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Says in the pod's events what became of a host container's resources.limits: a Warning
/// (<see cref="NotAppliedReason"/>) when one could not be applied and why, else a Normal
/// (<see cref="AppliedReason"/>) naming the cgroups; `sup describe pod` shows it under the container. Said for the
/// container's first instance only, not at every restart: the daemon's cgroups do not change while it runs.</summary>
public static class HostLimitReport
{
    public const string AppliedReason = "LimitsApplied";
    public const string NotAppliedReason = "LimitsNotApplied";

    public static void Report(ContainerLaunch launch, ContainerLimitCgroups limits)
    {
        if (launch.Instance > 1 || launch.Report is not { } report) return;
        if (limits.NotApplied.Count > 0) report("Warning", NotAppliedReason, limits.Summary);
        else report("Normal", AppliedReason, limits.Summary);
    }
}
