using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>The resource limits an engine container is given explicitly (soft, hard): what a host container gets.</summary>
public sealed record ContainerUlimits((ulong Soft, ulong Hard) Nofile, (ulong Soft, ulong Hard) Nproc)
{
    private const int RlimitNproc = 6;

    /// <summary>podman 4 sets its own process limit to 32768 where it cannot raise it (no CAP_SYS_RESOURCE), and the
    /// container's runtime inherits that: a container asking for more fails in runc ("error setting rlimit type 6").</summary>
    private const ulong EngineNprocCeiling = 32768;

    /// <summary>The descriptor limit the daemon was given (before it raised its own), and its process limit (no more
    /// than the engine itself may have).</summary>
    public static ContainerUlimits OfThisProcess()
    {
        var nproc = Current(RlimitNproc, (4096, 4096));
        return new(
            DescriptorLimit.ForChildren ?? Current(Native.RLIMIT_NOFILE, (1024, 4096)),
            (Math.Min(nproc.Soft, EngineNprocCeiling), Math.Min(nproc.Hard, EngineNprocCeiling)));
    }

    private static (ulong Soft, ulong Hard) Current(int resource, (ulong, ulong) fallback) =>
        Native.getrlimit(resource, out var limit) == 0 ? (limit.Current, limit.Max) : fallback;
}
