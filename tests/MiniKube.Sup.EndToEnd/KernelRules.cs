using MiniKube.Sup.Processes;
using MiniKube.Sup.Services;

namespace MiniKube.Sup.EndToEnd;

/// <summary>What a daemon holds in nftables, read with the real nft: its table of Service rules.</summary>
internal static class KernelRules
{
    private const string Nft = "/usr/sbin/nft";

    /// <summary>Whether daemons here forward Services in the kernel by default (root, with nft).</summary>
    public static bool Available { get; } = Native.geteuid() == 0 && File.Exists(Nft);

    /// <summary>The daemon's table as nft lists it (with counters), or null when it has none.</summary>
    public static async Task<string?> TableAsync(StatePaths paths)
    {
        if (!Available) return null;
        var (code, output, _) = await SupDaemon.Run(Nft, ["list", "table", "ip", KernelServiceRules.NameFor(paths.DaemonId)]);
        return code == 0 ? output : null;
    }

    public static async Task RemoveAsync(StatePaths paths)
    {
        if (Available) await SupDaemon.Run(Nft, ["delete", "table", "ip", KernelServiceRules.NameFor(paths.DaemonId)]);
    }
}
