using System.Text;
using k8s.Models;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Which host pods get a mount namespace of their own, and what is in it (SPEC §3): those whose containers mount a
/// volume at an absolute mountPath, read-only or by subPath, that give hostAliases, or that ask with
/// <c>sup.minikube.io/isolate</c> or <c>sup.minikube.io/private-tmp</c>. Every other host pod starts as before,
/// with nothing in its way. A pure function of the pod and its set-up volumes.
/// </summary>
public static class HostContainerIsolation
{
    public static bool Wanted(V1Pod pod) =>
        SupAnnotations.IsTrue(pod.Metadata.Annotations, SupAnnotations.Isolate)
        || SupAnnotations.IsTrue(pod.Metadata.Annotations, SupAnnotations.PrivateTmp)
        || pod.Spec.HostAliases is { Count: > 0 }
        || (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers).SelectMany(c => c.VolumeMounts ?? [])
            .Any(m => Path.IsPathRooted(m.MountPath) || m.ReadOnlyProperty == true || !string.IsNullOrEmpty(m.SubPath));

    /// <summary>The container's mounts: each volume at its absolute mountPath (its subPath inside it); a read-only
    /// one (configMap, secret, projected and downwardAPI always, as the kubelet mounts them) remounted so; a relative
    /// read-only one (a link in the working directory) made read-only where it is.</summary>
    /// <param name="workingDirectory">where the container starts, if only its namespace may have it</param>
    /// <param name="userNamespace">a daemon that is not root: its ids (<see cref="HostIsolation.UserNamespace"/>)</param>
    /// <param name="blocker">for such a daemon, the directory that keeps it from making a mount point
    /// (<see cref="MountPoints.Blocker"/>)</param>
    /// <exception cref="ContainerConfigException">a mount names no set-up volume, or its subPath leaves the volume, or
    /// a daemon that is not root cannot make its mount point</exception>
    public static HostIsolation For(V1Pod pod, V1Container container, IReadOnlyList<PreparedVolume> volumes, string? hostsFile, string? workingDirectory,
        DaemonIds? userNamespace = null, Func<string, string?>? blocker = null)
    {
        var privateTmp = SupAnnotations.IsTrue(pod.Metadata.Annotations, SupAnnotations.PrivateTmp);
        var mounts = new List<BindMount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = volumes.FirstOrDefault(v => v.Name == mount.Name)
                ?? throw new ContainerConfigException($"volume \"{mount.Name}\" is not a volume of the pod");
            var source = (pod.Spec.Volumes ?? []).FirstOrDefault(v => v.Name == mount.Name);
            var readOnly = mount.ReadOnlyProperty == true || ContainerMounts.IsProjection(source);
            var target = ContainerMounts.SubPathTarget(volume, mount.SubPath);
            if (Path.IsPathRooted(mount.MountPath))
            {
                // In a private /tmp (a new tmpfs) any mount point can be made.
                if (userNamespace is not null && blocker is not null && !(privateTmp && mount.MountPath.StartsWith("/tmp/", StringComparison.Ordinal))
                    && blocker(mount.MountPath) is { } parent)
                    throw new ContainerConfigException(Unmakeable(mount, parent, userNamespace));
                mounts.Add(new BindMount(target, mount.MountPath, readOnly));
            }
            else if (readOnly) mounts.Add(new BindMount(target, target, ReadOnly: true));
        }
        return new HostIsolation(mounts, hostsFile, privateTmp, workingDirectory, userNamespace);
    }

    private static string Unmakeable(V1VolumeMount mount, string parent, DaemonIds daemon) =>
        $"volume mount at {mount.MountPath} needs a mount point that a daemon that is not root (uid {daemon.Uid}) cannot make: " +
        $"{parent} is not its to write, even in the user namespace its private mount namespace is made in; " +
        $"run sup as root, or mount the volume at a path the daemon may create or that exists, " +
        $"or at a relative mountPath (in the working directory) and use ${ContainerMounts.VariableName(mount.Name)}";

    /// <summary>The pod's /etc/hosts: the host's own lines, then its hostAliases and the names it resolves Services
    /// by (k8s: the kubelet-managed hosts file).</summary>
    public static string HostsFile(string hostsText, V1Pod pod, IEnumerable<HostEntry> services)
    {
        var text = new StringBuilder(hostsText);
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        text.Append("# sup: the pod's hostAliases and Services\n");
        foreach (var alias in pod.Spec.HostAliases ?? [])
            foreach (var name in alias.Hostnames ?? [])
                text.Append(alias.Ip).Append('\t').Append(name).Append('\n');
        foreach (var entry in services) text.Append(entry.Ip).Append('\t').Append(entry.Name).Append('\n');
        return text.ToString();
    }
}
