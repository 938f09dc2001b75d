namespace MiniKube.Sup.Processes;

/// <summary>Where one controller (memory or cpu) limits the daemon's containers: the cgroup v2 tree of
/// <see cref="ContainerCgroups"/> with the controller enabled (a container's limits are then files of its own
/// cgroup), or a v1 hierarchy of that controller, where each container instance gets a cgroup of the same name under
/// <c>&lt;the daemon's own cgroup there&gt;/sup-&lt;daemon id&gt;</c>.</summary>
/// <param name="Controller">"memory" or "cpu"</param>
/// <param name="Directory">the tree: &lt;mount&gt;&lt;own cgroup&gt;/sup-&lt;daemon id&gt;</param>
/// <param name="IsV2">whether it is the v2 tree (the container's own cgroup holds the limits)</param>
public sealed record LimitHierarchy(string Controller, string Directory, bool IsV2)
{
    /// <summary>How describe and events name it.</summary>
    public string Description => IsV2 ? $"cgroup v2 {Controller}" : $"cgroup v1 {Controller}";

    /// <summary>The cgroups of container instances in the tree now (what a killed daemon left, at start).</summary>
    public IReadOnlyList<string> Existing()
    {
        try { return System.IO.Directory.EnumerateDirectories(Directory).ToList(); }
        catch (DirectoryNotFoundException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
