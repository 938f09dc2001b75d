using k8s.Models;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The user a host container runs as, from its securityContext merged over the pod's (k8s): runAsUser (default: the
/// daemon's), runAsGroup (default: that user's primary group in the host's /etc/passwd, else 0, as runtimes do for a
/// uid an image does not name), supplementalGroups and fsGroup as supplementary groups, allowPrivilegeEscalation
/// false as no-new-privs; runAsNonRoot checked (k8s verifyRunAsNonRoot). A daemon that is not root can start
/// processes only as itself: a pod that asks for anything else is refused with the reason, never run as the wrong user.
/// </summary>
public static class HostContainerUser
{
    /// <returns>null when the container runs as the daemon does</returns>
    /// <exception cref="ContainerConfigException">runAsNonRoot would be broken, or the daemon cannot become that user</exception>
    public static HostUser? For(V1Pod pod, V1Container container, long daemonUid, Func<long, long?> primaryGroup)
    {
        var security = ImageLaunchBuilder.Security(pod.Spec.SecurityContext, container.SecurityContext);
        var fsGroup = pod.Spec.SecurityContext?.FsGroup;
        var groups = (security.SupplementalGroups ?? []).Concat(fsGroup is { } g ? [g] : []).Distinct().ToList();
        var uid = security.RunAsUser ?? daemonUid;
        if (security.RunAsNonRoot && uid == 0)
            throw new ContainerConfigException(security.RunAsUser is null
                ? "container has runAsNonRoot and would run as root (the daemon's user): set runAsUser"
                : "container's runAsUser breaks non-root policy");
        if (security.RunAsUser is null && security.RunAsGroup is null && groups.Count == 0 && security.AllowPrivilegeEscalation != false) return null;
        var gid = security.RunAsGroup ?? primaryGroup(uid) ?? 0;
        if (daemonUid != 0 && (uid != daemonUid || security.RunAsGroup is not null || groups.Count > 0))
            throw new ContainerConfigException(
                $"the pod asks to run as uid {uid}{(security.RunAsGroup is { } rg ? $", gid {rg}" : "")}{(groups.Count > 0 ? $", groups {string.Join(",", groups)}" : "")}, " +
                $"and the daemon (uid {daemonUid}, not root) can start processes only as itself: run sup as root, or remove these securityContext fields");
        // Its own ids, which it may not set again (setgroups needs root): only no-new-privs, if asked.
        if (daemonUid != 0) return security.AllowPrivilegeEscalation == false ? new HostUser(uid, gid, [], NoNewPrivileges: true, TheDaemons: true) : null;
        return new HostUser(uid, gid, groups, NoNewPrivileges: security.AllowPrivilegeEscalation == false);
    }

    /// <summary>The primary group of <paramref name="uid"/> in an /etc/passwd text; null when it has no entry.</summary>
    public static long? PrimaryGroup(string passwd, long uid)
    {
        foreach (var line in passwd.Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && long.TryParse(fields[2], out var u) && u == uid && long.TryParse(fields[3], out var gid)) return gid;
        }
        return null;
    }
}
