using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>How an engine's <c>--entrypoint</c> takes a Kubernetes <c>command</c>.</summary>
internal enum EntrypointForm
{
    /// <summary>podman: the whole command as a JSON array.</summary>
    JsonArray,

    /// <summary>docker: one word only; the command's other words go before the args (docker drops the image's CMD
    /// when the entrypoint is set, as Kubernetes does).</summary>
    FirstWord,
}

/// <summary>
/// The <c>create</c> command line of one container instance, the same flags for podman and docker (they take the
/// same), as a pure function of what is asked for, so that how Kubernetes fields map onto the engine is read and
/// tested in one place. What differs is given: how the container joins its pod's sandbox, where its output goes,
/// and how the entrypoint is written.
/// </summary>
internal static class ContainerArguments
{
    /// <summary>The image must be present already (the daemon pulls as imagePullPolicy says, before).</summary>
    /// <param name="limits">the descriptor and process limits, given explicitly: the engine's defaults (1048576) may
    /// exceed the host's hard limits, and one --ulimit drops containers.conf's default_ulimits altogether</param>
    public static List<string> Create(ContainerLaunch launch, string daemonId, string name, ContainerUlimits limits,
        IReadOnlyList<string> sandbox, IReadOnlyList<string> log, EntrypointForm entrypointForm)
    {
        var image = launch.Image ?? throw new ArgumentException("not an image container", nameof(launch));
        var args = new List<string> { "create" };
        args.AddRange(sandbox);
        args.AddRange(["--name", name]);
        args.AddRange(EngineLabels.PodLabels(daemonId, PodNamespace(launch), launch.PodName, launch.PodUid));
        args.AddRange(["--label", $"{EngineLabels.Container}={launch.ContainerName}"]);
        args.AddRange(["--pull", "never"]);
        args.AddRange(log);
        args.AddRange(["--ulimit", Ulimit("nofile", limits.Nofile), "--ulimit", Ulimit("nproc", limits.Nproc)]);
        args.AddRange(["--stop-timeout", ((long)Math.Ceiling(image.StopTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)]);
        foreach (var (key, value) in launch.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal)) args.AddRange(["--env", $"{key}={value}"]);
        if (!string.IsNullOrEmpty(image.WorkingDir)) args.AddRange(["--workdir", image.WorkingDir]);
        foreach (var mount in image.Mounts) args.AddRange(["--volume", Volume(mount)]);
        AddSecurity(args, image.Security);
        AddLimits(args, image.Limits);
        // k8s: command replaces the image's ENTRYPOINT (and the engine then drops its CMD, as Kubernetes does); args
        // replace its CMD.
        IEnumerable<string> rest = [];
        if (image.Entrypoint is { Count: > 0 } entrypoint)
        {
            if (entrypointForm == EntrypointForm.JsonArray)
            {
                args.AddRange(["--entrypoint", JsonSerializer.Serialize(entrypoint.ToArray(), EngineJson.Default.StringArray)]);
            }
            else
            {
                args.AddRange(["--entrypoint", entrypoint[0]]);
                rest = entrypoint.Skip(1);
            }
        }
        else if (image.Entrypoint is not null && entrypointForm == EntrypointForm.JsonArray)
        {
            args.AddRange(["--entrypoint", "[]"]);
        }
        args.Add(image.Image);
        args.AddRange(rest);
        if (image.Args is { } cmd) args.AddRange(cmd);
        return args;
    }

    /// <summary>The namespace the pod's labels carry (the owner token names it: daemon/pod/uid/...; the launch does
    /// not): "default" unless a caller set it.</summary>
    private static string PodNamespace(ContainerLaunch launch) => launch.Namespace;

    private static string Ulimit(string name, (ulong Soft, ulong Hard) limit) => $"{name}={Limit(limit.Soft)}:{Limit(limit.Hard)}";

    /// <summary>podman takes -1 for unlimited (RLIM_INFINITY does not fit its int64).</summary>
    private static string Limit(ulong value) => value > long.MaxValue ? "-1" : value.ToString(CultureInfo.InvariantCulture);

    private static string Volume(BindMount mount) =>
        mount.ReadOnly ? $"{mount.Source}:{mount.Destination}:ro" : $"{mount.Source}:{mount.Destination}";

    private static void AddSecurity(List<string> args, ContainerSecurity security)
    {
        if (security.RunAsUser is { } user)
        {
            var id = user.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--user", security.RunAsGroup is { } group ? $"{id}:{group.ToString(CultureInfo.InvariantCulture)}" : id]);
        }
        foreach (var group in security.SupplementalGroups ?? []) args.AddRange(["--group-add", group.ToString(CultureInfo.InvariantCulture)]);
        if (security.ReadOnlyRootFilesystem) args.Add("--read-only");
        if (security.Privileged) args.Add("--privileged");
        foreach (var cap in security.AddCapabilities ?? []) args.AddRange(["--cap-add", cap]);
        foreach (var cap in security.DropCapabilities ?? []) args.AddRange(["--cap-drop", cap]);
        if (security.AllowPrivilegeEscalation == false) args.AddRange(["--security-opt", "no-new-privileges"]);
    }

    private static void AddLimits(List<string> args, ContainerLimits limits)
    {
        if (limits.MemoryBytes is { } memory)
        {
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            // k8s: no swap beyond the limit; the limit is where the OOM killer comes.
            args.AddRange(["--memory", bytes, "--memory-swap", bytes]);
        }
        if (limits.Cpus is { } cpus) args.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
    }
}
