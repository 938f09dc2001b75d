namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The containers and pods podman still holds that carry a label (<c>key=value</c>, or <c>key</c> for any
/// value): every container and pod a test or its daemon makes is labelled, and none may be left when it is done.</summary>
internal static class PodmanLeftovers
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<IReadOnlyList<string>> FindAsync(string label)
    {
        var containers = await Podman.OutputAsync("ps", "--all", "--filter", "label=" + label,
            "--format", "container {{.ID}} {{.Names}} {{.Image}} {{.Status}}");
        var pods = await Podman.OutputAsync("pod", "ps", "--filter", "label=" + label,
            "--format", "pod {{.Id}} {{.Name}} {{.Status}}");
        return [.. Lines(containers), .. Lines(pods)];
    }

    /// <summary>Fails, naming them, unless none is left (a removal that is under way is given a few seconds).</summary>
    public static async Task AssertNoneAsync(string label)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<string> left;
        while ((left = await FindAsync(label)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        if (left.Count > 0) Assert.Fail($"podman still holds what carries {label}:\n" + string.Join('\n', left));
    }

    /// <summary>Removes them, for a test's Dispose: pods (with their containers) first, then containers.</summary>
    public static async Task RemoveAsync(string label)
    {
        foreach (var pod in await Ids("pod", "ps", "--filter", "label=" + label, "--format", "{{.Id}}"))
            await Podman.RunAsync("pod", "rm", "--force", pod);
        foreach (var container in await Ids("ps", "--all", "--filter", "label=" + label, "--format", "{{.ID}}"))
            await Podman.RunAsync("rm", "--force", "--time", "0", container);
    }

    private static async Task<IEnumerable<string>> Ids(params string[] arguments) => Lines(await Podman.OutputAsync(arguments));

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
