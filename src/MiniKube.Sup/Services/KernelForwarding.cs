using System.Net;
using CliWrap;
using CliWrap.Buffered;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Services;

/// <summary>
/// Keeps one daemon's <see cref="KernelServiceRules"/> table in the kernel through the <c>nft</c> command (CliWrap):
/// removed at start (what a killed daemon of the same state dir left) and at stop, rewritten whole on each change.
/// Writes are synchronous: a pod whose termination begins has left the rules when <see cref="Apply"/> returns,
/// before it is signalled.
/// </summary>
public sealed class KernelForwarding : IDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    private readonly string _nft;
    private readonly Lock _gate = new();
    private string? _applied;
    private bool _disposed;

    private KernelForwarding(string nft, KernelServiceRules rules)
    {
        _nft = nft;
        Rules = rules;
    }

    public KernelServiceRules Rules { get; }

    /// <summary>Where forwarding is, for people: "the kernel (nftables DNAT, table ip sup_…)".</summary>
    public string Description => $"the kernel (nftables DNAT, table ip {Rules.Table})";

    /// <summary>Takes the daemon's table (removing a stale one) where the kernel forwarding can work: the daemon is
    /// root and nft can make a nat chain on the output hook. Null, with <paramref name="why"/>, elsewhere.</summary>
    public static KernelForwarding? TryOpen(string daemonId, out string why)
    {
        if (Native.geteuid() != 0)
        {
            why = "the daemon is not root";
            return null;
        }
        var nft = Candidates.FirstOrDefault(File.Exists);
        if (nft is null)
        {
            why = "no nft command (" + string.Join(", ", Candidates) + ")";
            return null;
        }
        var forwarding = new KernelForwarding(nft, new KernelServiceRules(KernelServiceRules.NameFor(daemonId)));
        try
        {
            // An empty table with its nat chain, checked and not made (nft -c): proves the kernel has nf_tables NAT.
            // Then a stale table goes; the table exists only while a Service has an endpoint to forward to.
            forwarding.Run(forwarding.Rules.Probe(), check: true);
            forwarding.Apply([]);
        }
        catch (IOException e)
        {
            why = e.Message;
            return null;
        }
        why = "";
        return forwarding;
    }

    /// <summary>Removes the daemon's table if a killed daemon of the same state dir left one, where nft can (the
    /// daemon forwards in user space, and no rule of a dead daemon may route its Services).</summary>
    public static void RemoveStale(string daemonId)
    {
        if (Native.geteuid() != 0 || Candidates.FirstOrDefault(File.Exists) is not { } nft) return;
        try { new KernelForwarding(nft, new KernelServiceRules(KernelServiceRules.NameFor(daemonId))).Dispose(); }
        catch (IOException) { }
    }

    /// <summary>Makes the table route exactly <paramref name="ports"/> (unchanged rules are not written again).</summary>
    /// <exception cref="IOException">nft refused the rules</exception>
    public void Apply(IReadOnlyList<(IPEndPoint Service, IReadOnlyList<IPEndPoint> Endpoints)> ports)
    {
        var script = Rules.Render(ports);
        lock (_gate)
        {
            if (_disposed || script == _applied) return;
            Run(script);
            _applied = script;
        }
    }

    /// <summary>Removes the table: no rule outlives the daemon.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            try { Run(Rules.Removal()); }
            catch (IOException) { }
        }
    }

    private void Run(string script, bool check = false)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var cli = Cli.Wrap(_nft)
            .WithArguments(check ? ["-c", "-f", "-"] : ["-f", "-"])
            .WithStandardInputPipe(PipeSource.FromString(script))
            .WithValidation(CommandResultValidation.None);
        BufferedCommandResult result;
        try
        {
            using var mark = ChildReaper.Shared.StartDotnetChild(() => cli.ExecuteBufferedAsync(timeout.Token), t => t.ProcessId, out var run);
            // Synchronous on purpose (see the type): nft takes a few milliseconds.
            result = run.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            throw new IOException($"cannot run {_nft}: {e.Message}", e);
        }
        if (result.ExitCode != 0)
            throw new IOException($"{_nft} -f exited with {result.ExitCode}: {result.StandardError.Trim()}");
    }
}
