namespace MiniKube.Sup.Runtime;

/// <summary>
/// An image container's own fields, as Kubernetes maps them onto an engine: <see cref="Entrypoint"/> is the
/// container's <c>command</c> and replaces the image's ENTRYPOINT (and its CMD with it); <see cref="Args"/> replaces
/// the image's CMD; both null: the image's own. <c>$(VAR)</c> is already expanded. The environment is the launch's
/// (the image's own comes under it, from the engine).
/// </summary>
/// <param name="PullPolicy">Always, IfNotPresent or Never (k8s defaults it from the tag)</param>
/// <param name="WorkingDir">null: the image's</param>
/// <param name="StopTimeout">the pod's grace period: how long the engine waits after the stop signal</param>
public sealed record ImageLaunch(
    string Image,
    string PullPolicy,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Args,
    string? WorkingDir,
    IReadOnlyList<BindMount> Mounts,
    ContainerSecurity Security,
    ContainerLimits Limits,
    TimeSpan StopTimeout)
{
    public const string PullAlways = "Always";
    public const string PullIfNotPresent = "IfNotPresent";
    public const string PullNever = "Never";
}

/// <summary>A volume bind-mounted into an image container: its host directory or file (its subPath already
/// resolved inside it), where it appears, and whether it is read-only.</summary>
public sealed record BindMount(string Source, string Destination, bool ReadOnly = false);

/// <summary>k8s securityContext, the pod's and the container's merged (the container's wins).</summary>
public sealed record ContainerSecurity(
    long? RunAsUser = null,
    long? RunAsGroup = null,
    bool RunAsNonRoot = false,
    IReadOnlyList<long>? SupplementalGroups = null,
    bool ReadOnlyRootFilesystem = false,
    bool Privileged = false,
    IReadOnlyList<string>? AddCapabilities = null,
    IReadOnlyList<string>? DropCapabilities = null,
    bool? AllowPrivilegeEscalation = null)
{
    public static ContainerSecurity None { get; } = new();
}

/// <summary>k8s resources.limits as an engine enforces them: memory in bytes, cpu in cores.</summary>
public sealed record ContainerLimits(long? MemoryBytes = null, decimal? Cpus = null)
{
    public static ContainerLimits None { get; } = new();
}
