using System.Text;
using MiniKube.Sup.Volumes;
using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>The volume parts of `sup describe pod`, in kubectl's layout, plus what only sup knows: where each
/// volume lives on the host and how a host process sees each mount (from the daemon's
/// <see cref="VolumeAnnotation"/>).</summary>
internal static class VolumeDescription
{
    public static string Volumes(V1Pod pod)
    {
        if (pod.Spec.Volumes is not { Count: > 0 } volumes) return "Volumes:            <none>\n";
        var prepared = Prepared(pod);
        var t = new StringBuilder("Volumes:\n");
        foreach (var v in volumes)
        {
            t.Append($"  {v.Name}:\n");
            foreach (var (label, value) in Fields(v)) t.Append($"    {label + ":",-14}{value}\n");
            if (prepared.FirstOrDefault(p => p.Name == v.Name) is { } p)
                t.Append($"    {"Host Path:",-14}{p.HostPath}{(p.Note is null ? "" : $" ({p.Note})")}\n");
            else
                t.Append($"    {"Host Path:",-14}<not set up yet>\n");
        }
        return t.ToString();
    }

    /// <summary>kubectl prints `/data from cache (rw)`; sup adds how the process reaches it, since host
    /// processes get no mount namespace: through VOLUME_&lt;NAME&gt;, and for a relative path a link too.</summary>
    public static string Mounts(V1Pod pod, V1Container c)
    {
        if (c.VolumeMounts is not { Count: > 0 } mounts) return "    Mounts:         <none>\n";
        var prepared = Prepared(pod);
        var t = new StringBuilder("    Mounts:\n");
        foreach (var m in mounts)
        {
            var hostPath = prepared.FirstOrDefault(p => p.Name == m.Name)?.HostPath ?? "<not set up yet>";
            var subPath = string.IsNullOrEmpty(m.SubPath) ? "" : $" path=\"{m.SubPath}\"";
            var how = Path.IsPathRooted(m.MountPath)
                ? $"not at {m.MountPath}: no mount namespace for host processes, use ${ContainerMounts.VariableName(m.Name)}"
                : $"link {m.MountPath} in the working directory, also ${ContainerMounts.VariableName(m.Name)}";
            var readOnly = m.ReadOnlyProperty == true ? "ro, not enforced" : "rw";
            t.Append($"      {m.MountPath} from {m.Name}{subPath} ({readOnly}) -> {ContainerMounts.VariableName(m.Name)}={hostPath} ({how})\n");
        }
        return t.ToString();
    }

    public static string EnvValue(V1EnvVar e) => e.ValueFrom switch
    {
        { FieldRef: { } f } => $"({f.ApiVersion ?? "v1"}:{f.FieldPath})",
        { ConfigMapKeyRef: { } k } => $"<set to the key '{k.Key}' of config map '{k.Name}'>  Optional: {Bool(k.Optional)}",
        { SecretKeyRef: { } k } => $"<set to the key '{k.Key}' in secret '{k.Name}'>  Optional: {Bool(k.Optional)}",
        _ => e.Value ?? "",
    };

    public static string EnvFrom(V1Container c)
    {
        if (c.EnvFrom is not { Count: > 0 } sources) return "";
        var t = new StringBuilder("    Environment Variables from:\n");
        foreach (var s in sources)
        {
            var (name, kind, optional) = s.ConfigMapRef is { } cm ? (cm.Name, "ConfigMap", cm.Optional) : (s.SecretRef?.Name, "Secret", s.SecretRef?.Optional);
            var prefix = string.IsNullOrEmpty(s.Prefix) ? "" : $" with prefix '{s.Prefix}'";
            t.Append($"      {name}  {kind}{prefix}  Optional: {Bool(optional)}\n");
        }
        return t.ToString();
    }

    private static IReadOnlyList<PreparedVolume> Prepared(V1Pod pod) =>
        VolumeAnnotation.Parse(pod.Metadata.Annotations?.TryGetValue(VolumeAnnotation.Key, out var value) == true ? value : null);

    private static IEnumerable<(string, string)> Fields(V1Volume v)
    {
        if (v.EmptyDir is { } e)
        {
            yield return ("Type", "EmptyDir (a temporary directory that shares a pod's lifetime)");
            yield return ("Medium", e.Medium ?? "");
            yield return ("SizeLimit", e.SizeLimit?.ToString() ?? "<unset>");
        }
        else if (v.HostPath is { } h)
        {
            yield return ("Type", "HostPath (bare host directory volume)");
            yield return ("Path", h.Path);
            yield return ("HostPathType", h.Type ?? "");
        }
        else if (v.PersistentVolumeClaim is { } pvc)
        {
            yield return ("Type", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            yield return ("ClaimName", pvc.ClaimName);
            yield return ("ReadOnly", Bool(pvc.ReadOnlyProperty));
        }
        else if (v.ConfigMap is { } cm)
        {
            yield return ("Type", "ConfigMap (a volume populated by a ConfigMap)");
            yield return ("Name", cm.Name);
            yield return ("Optional", Bool(cm.Optional));
        }
        else if (v.Secret is { } s)
        {
            yield return ("Type", "Secret (a volume populated by a Secret)");
            yield return ("SecretName", s.SecretName);
            yield return ("Optional", Bool(s.Optional));
        }
        else yield return ("Type", "<unsupported>");
    }

    private static string Bool(bool? value) => value == true ? "true" : "false";
}
