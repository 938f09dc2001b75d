using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// The podman command lines of a pod sandbox and of a container, as pure functions of what is asked for, so that how
/// Kubernetes fields map onto podman is read and tested in one place.
/// </summary>
public static class PodmanArguments
{
    /// <summary><c>podman pod create</c>: one network namespace for the pod (k8s: its containers share it and reach
    /// each other over localhost), every containerPort published on the pod's loopback address under its own number
    /// (so that image pods are reached as host pods are), its hostname and /etc/hosts entries; the host's network for
    /// hostNetwork.</summary>
    public static List<string> CreatePod(SandboxRequest request, string daemonId, string name, bool shareProcessNamespace = false)
    {
        var args = new List<string> { "pod", "create", "--name", name, "--infra-name", EngineLabels.InfraName(name) };
        args.AddRange(EngineLabels.PodLabels(daemonId, request.Namespace, request.PodName, request.PodUid));
        if (!string.IsNullOrEmpty(request.Hostname)) args.AddRange(["--hostname", request.Hostname]);
        // k8s: shareProcessNamespace puts the pod's containers in one pid namespace.
        args.AddRange(["--share", shareProcessNamespace ? "ipc,net,uts,pid" : "ipc,net,uts"]);
        if (request.HostNetwork)
        {
            args.AddRange(["--network", "host"]);
        }
        else
        {
            foreach (var port in request.PublishedPorts)
            {
                var number = port.Port.ToString(CultureInfo.InvariantCulture);
                args.AddRange(["--publish", $"{request.PodIp}:{number}:{number}/{port.Protocol.ToLowerInvariant()}"]);
            }
        }
        foreach (var host in request.HostEntries) args.AddRange(["--add-host", $"{host.Name}:{host.Ip}"]);
        return args;
    }

    /// <summary><c>podman create</c> of one container instance in its pod. The image must be present already (the
    /// daemon pulls as imagePullPolicy says, before). Its output goes to whoever attaches (the daemon, into its log
    /// files), so the engine keeps no log of its own.</summary>
    /// <param name="limits">the descriptor and process limits, given explicitly: podman's defaults (1048576) may exceed
    /// the host's hard limits, and one --ulimit drops containers.conf's default_ulimits altogether</param>
    public static List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string podName, ContainerUlimits limits)
    {
        var image = launch.Image ?? throw new ArgumentException("not an image container", nameof(launch));
        var args = new List<string> { "create", "--pod", podName, "--name", name };
        args.AddRange(EngineLabels.PodLabels(daemonId, PodNamespace(launch), launch.PodName, launch.PodUid));
        args.AddRange(["--label", $"{EngineLabels.Container}={launch.ContainerName}"]);
        args.AddRange(["--pull", "never", "--log-driver", "none"]);
        args.AddRange(["--ulimit", Ulimit("nofile", limits.Nofile), "--ulimit", Ulimit("nproc", limits.Nproc)]);
        args.AddRange(["--stop-timeout", ((long)Math.Ceiling(image.StopTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)]);
        foreach (var (key, value) in launch.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal)) args.AddRange(["--env", $"{key}={value}"]);
        if (!string.IsNullOrEmpty(image.WorkingDir)) args.AddRange(["--workdir", image.WorkingDir]);
        foreach (var mount in image.Mounts) args.AddRange(["--volume", Volume(mount)]);
        AddSecurity(args, image.Security);
        AddLimits(args, image.Limits);
        // k8s: command replaces the image's ENTRYPOINT (and podman then drops its CMD, as Kubernetes does); args
        // replace its CMD.
        if (image.Entrypoint is { } entrypoint) args.AddRange(["--entrypoint", JsonSerializer.Serialize(entrypoint.ToArray(), EngineJson.Default.StringArray)]);
        args.Add(image.Image);
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
