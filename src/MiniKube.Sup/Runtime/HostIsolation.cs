namespace MiniKube.Sup.Runtime;

/// <summary>
/// What a host container that asks for it gets that the host alone does not give (SPEC §3): a mount namespace of
/// its own where its volumes are bind-mounted at their mountPath (read-only ones remounted so), the pod's
/// <c>/etc/hosts</c> (the host's, with hostAliases and the Services' names), a private <c>/tmp</c> if asked, and
/// its working directory entered there; the rest of the host as it is, host mounts still propagating in.
/// </summary>
/// <param name="HostsFile">a file to bind over /etc/hosts; null: the host's</param>
/// <param name="WorkingDirectory">where to start inside the namespace (a path that may exist only there); null: as spawned</param>
/// <param name="UserNamespace">a daemon that is not root: its ids, under which the mounts are made in a user namespace
/// of its own (where it is root) and the program runs in a nested one as that user again; null: the daemon is root</param>
public sealed record HostIsolation(IReadOnlyList<BindMount> Mounts, string? HostsFile = null, bool PrivateTmp = false, string? WorkingDirectory = null,
    DaemonIds? UserNamespace = null);

/// <summary>The uid and gid of a daemon that is not root.</summary>
public sealed record DaemonIds(long Uid, long Gid);

/// <summary>The user a host container runs as (k8s securityContext runAsUser, runAsGroup, supplementalGroups and
/// fsGroup), set before it execs; <paramref name="NoNewPrivileges"/>: allowPrivilegeEscalation false;
/// <paramref name="TheDaemons"/>: the ids are the daemon's own (a daemon that is not root, which may not set its
/// groups): nothing is changed but no-new-privs.</summary>
public sealed record HostUser(long Uid, long Gid, IReadOnlyList<long> Groups, bool NoNewPrivileges = false, bool TheDaemons = false);
