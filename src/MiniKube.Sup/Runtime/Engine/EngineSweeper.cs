namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Removes every pod and container daemon <c>daemonId</c> made in the engine (by its label, so never another
/// daemon's): at start (what a crash left), and at the end (what a stop missed). A pod's own sandbox goes with the
/// pod (<see cref="PodmanRuntime.RemoveSandboxAsync"/>).
/// </summary>
public sealed class EngineSweeper(EngineCommand engine, string daemonId)
{
    /// <returns>the names removed</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken = default)
    {
        var filter = EngineLabels.Filter(daemonId);
        var containers = await ListAsync(["ps", "--all", "--filter", filter, "--format", "{{.Names}}"], cancellationToken).ConfigureAwait(false);
        var pods = await ListAsync(["pod", "ps", "--filter", filter, "--format", "{{.Name}}"], cancellationToken).ConfigureAwait(false);
        if (containers.Count > 0) await engine.RunAsync(["rm", "--force", "--time", "0", "--ignore", .. containers], cancellationToken).ConfigureAwait(false);
        if (pods.Count > 0) await engine.RunAsync(["pod", "rm", "--force", "--time", "0", "--ignore", .. pods], cancellationToken).ConfigureAwait(false);
        return [.. pods, .. containers.Where(c => !pods.Any(p => c.StartsWith(p, StringComparison.Ordinal)))];
    }

    private async Task<List<string>> ListAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await engine.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw new EngineException($"{engine.Executable} {string.Join(' ', arguments.Take(2))}: {result.Problem}");
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
