using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// An image container's Kubernetes fields as the runtime takes them (<see cref="ImageLaunch"/>), a pure function:
/// command and args with <c>$(VAR)</c> expanded against the container's declared env, each volume mount as a bind
/// mount of the volume's host directory (its subPath resolved inside it; configMap, secret, projected and downwardAPI
/// volumes read-only, as the kubelet mounts them), the pod's and the container's securityContext merged, and the
/// memory and cpu limits.
/// </summary>
public static class ImageLaunchBuilder
{
    public static ImageLaunch Build(V1Pod pod, V1Container container, IReadOnlyDictionary<string, string> declared,
        IReadOnlyList<PreparedVolume> volumes, TimeSpan grace)
    {
        return new ImageLaunch(
            container.Image,
            container.ImagePullPolicy ?? ManifestDefaults.DefaultImagePullPolicy(container.Image),
            container.Command is { Count: > 0 } command ? Expand(command, declared) : null,
            container.Args is { Count: > 0 } args ? Expand(args, declared) : null,
            string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir,
            Mounts(pod, container, volumes),
            Security(pod.Spec.SecurityContext, container.SecurityContext),
            Limits(container.Resources),
            grace);
    }

    private static List<string> Expand(IEnumerable<string> items, IReadOnlyDictionary<string, string> declared) =>
        items.Select(a => VariableExpansion.Expand(a, name => declared.GetValueOrDefault(name))).ToList();

    /// <exception cref="ContainerConfigException">a mount names no set-up volume, or its subPath leaves the volume</exception>
    private static List<BindMount> Mounts(V1Pod pod, V1Container container, IReadOnlyList<PreparedVolume> volumes)
    {
        var result = new List<BindMount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = volumes.FirstOrDefault(v => v.Name == mount.Name)
                ?? throw new ContainerConfigException($"volume \"{mount.Name}\" is not a volume of the pod");
            var source = (pod.Spec.Volumes ?? []).FirstOrDefault(v => v.Name == mount.Name);
            result.Add(new BindMount(ContainerMounts.SubPathTarget(volume, mount.SubPath), mount.MountPath, mount.ReadOnlyProperty == true || ContainerMounts.IsProjection(source)));
        }
        return result;
    }

    /// <summary>k8s: the container's securityContext wins over the pod's for the fields both have.</summary>
    internal static ContainerSecurity Security(V1PodSecurityContext? pod, V1SecurityContext? container) => new(
        container?.RunAsUser ?? pod?.RunAsUser,
        container?.RunAsGroup ?? pod?.RunAsGroup,
        container?.RunAsNonRoot ?? pod?.RunAsNonRoot ?? false,
        pod?.SupplementalGroups?.OfType<long>().ToList(),
        container?.ReadOnlyRootFilesystem ?? false,
        container?.Privileged ?? false,
        container?.Capabilities?.Add?.ToList(),
        container?.Capabilities?.Drop?.ToList(),
        container?.AllowPrivilegeEscalation);

    internal static ContainerLimits Limits(V1ResourceRequirements? resources)
    {
        var limits = resources?.Limits;
        if (limits is null) return ContainerLimits.None;
        long? memory = limits.TryGetValue("memory", out var m) ? (long)decimal.Ceiling(m.ToDecimal()) : null;
        decimal? cpus = limits.TryGetValue("cpu", out var c) ? c.ToDecimal() : null;
        return new ContainerLimits(memory, cpus);
    }
}
