namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Removes every pod and container daemon <c>daemonId</c> made in the engine (by its label, so never another
/// daemon's): at start (what a crash left, but what the daemon adopts), and at the end (what a stop missed). A pod's
/// own sandbox goes with the pod (<see cref="EngineRuntime.RemoveSandboxAsync"/>); docker's pause containers are
/// containers like the others.
/// </summary>
public sealed class EngineSweeper
{
    private readonly IEngineDialect _dialect;
    private readonly string _daemonId;

    internal EngineSweeper(IEngineDialect dialect, string daemonId)
    {
        _dialect = dialect;
        _daemonId = daemonId;
    }

    /// <param name="keep">the names of what the daemon adopts (<see cref="EngineRuntime.Kept"/>): left as they are</param>
    /// <returns>the names removed</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(IReadOnlySet<string>? keep = null, CancellationToken cancellationToken = default)
    {
        var filter = EngineLabels.Filter(_daemonId);
        var containers = await ListAsync(["ps", "--all", "--filter", filter, "--format", "{{.Names}}"], cancellationToken).ConfigureAwait(false);
        var pods = _dialect.ListSandboxes(filter) is { } listPods ? await ListAsync(listPods, cancellationToken).ConfigureAwait(false) : [];
        if (keep is not null)
        {
            containers.RemoveAll(keep.Contains);
            pods.RemoveAll(keep.Contains);
        }
        if (containers.Count > 0) await _dialect.Command.RunAsync(_dialect.RemoveContainers(containers), cancellationToken).ConfigureAwait(false);
        if (pods.Count > 0) await _dialect.Command.RunAsync(_dialect.RemoveSandboxes(pods), cancellationToken).ConfigureAwait(false);
        return [.. pods, .. containers.Where(c => !pods.Any(p => c.StartsWith(p, StringComparison.Ordinal)))];
    }

    private async Task<List<string>> ListAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await _dialect.Command.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw new EngineException($"{_dialect.Command.Executable} {string.Join(' ', arguments.Take(2))}: {result.Problem}");
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
