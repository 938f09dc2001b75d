using System.Text.RegularExpressions;
using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Builds a host container's environment and command line. The process inherits the daemon's environment with
/// the container's env applied on top (SPEC §2); $(VAR) in env values and in command/args refers, as in
/// Kubernetes, only to variables the container itself declares (earlier in the list for env values). Declared
/// are, lowest precedence first: the VOLUME_* variables of the volumes it mounts (SPEC §3), its envFrom entries,
/// then its env (k8s makeEnvironmentVariables: envFrom first, env on top).
/// </summary>
public static partial class ContainerEnvironment
{
    /// <returns>the full environment, and the variables the container declares (what $(VAR) may refer to)</returns>
    public static (Dictionary<string, string> Full, Dictionary<string, string> Declared) Build(
        V1Pod pod, V1Container container, IReadOnlyDictionary<string, string> inherited, string? podIp,
        IConfigSource? config = null, IReadOnlyDictionary<string, string>? volumeVariables = null)
    {
        config ??= ConfigSources.Empty;
        var declared = new Dictionary<string, string>(volumeVariables ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in EnvSources.FromEnvFrom(container, config)) declared[key] = value;
        foreach (var env in container.Env ?? [])
        {
            string? value = env.ValueFrom is { } from
                ? Resolve(pod, from, podIp, config)
                : VariableExpansion.Expand(env.Value ?? "", name => declared.GetValueOrDefault(name));
            if (value is not null) declared[env.Name] = value;
        }
        var result = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        // SPEC §3: the pod IP is given to its processes as POD_IP, and, as a container runtime sets it, HOSTNAME is
        // the pod's hostname (declared ones win).
        if (podIp is not null) result["POD_IP"] = podIp;
        result["HOSTNAME"] = PodHostname.Of(pod);
        foreach (var (key, value) in declared) result[key] = value;
        return (result, declared);
    }

    /// <summary>command + args with $(VAR) expanded against the container's declared env.</summary>
    public static List<string> CommandLine(V1Container container, IReadOnlyDictionary<string, string> declared) =>
        (container.Command ?? []).Concat(container.Args ?? [])
            .Select(a => VariableExpansion.Expand(a, name => declared.GetValueOrDefault(name)))
            .ToList();

    private static string? Resolve(V1Pod pod, V1EnvVarSource from, string? podIp, IConfigSource config)
    {
        if (from.FieldRef is { } field) return FieldValue(pod, field.FieldPath, podIp);
        return EnvSources.KeyRef(from, config);
    }

    /// <summary>The downward API fields a host process can be given.</summary>
    public static string? FieldValue(V1Pod pod, string path, string? podIp)
    {
        switch (path)
        {
            case "metadata.name": return pod.Metadata.Name;
            case "metadata.namespace": return pod.Metadata.NamespaceProperty ?? "default";
            case "metadata.uid": return pod.Metadata.Uid;
            case "status.podIP": return podIp ?? "";
            case "status.hostIP": return "127.0.0.1";
            case "spec.nodeName": return Environment.MachineName;
            case "spec.serviceAccountName": return pod.Spec.ServiceAccountName ?? "default";
        }
        var match = MapFieldPattern().Match(path);
        if (!match.Success) return null;
        var map = match.Groups[1].Value == "labels" ? pod.Metadata.Labels : pod.Metadata.Annotations;
        return map is not null && map.TryGetValue(match.Groups[2].Value, out var value) ? value : "";
    }

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']+)'\]$")]
    private static partial Regex MapFieldPattern();
}
