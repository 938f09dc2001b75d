using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Pods;

/// <summary>
/// At start, which host containers (and which image containers: <see cref="ImageCandidates"/>) an earlier daemon on this state dir left running (it was killed, or stopped with
/// --keep-running) are taken back rather than killed (SPEC §3): a stored pod's container that its status shows
/// running (containerID <c>sup://PID</c>) whose main process is still alive and still carries that pod instance's and
/// container's owner mark (SUP_OWNER = daemon id/pod/uid/container/instance), so that a pid the kernel gave to
/// another process since is never taken for it. What is not adopted is killed by the leftover sweep, and its pod
/// starts it again.
/// </summary>
public static class ContainerAdoption
{
    private const string HostIdPrefix = "sup://";

    public static IReadOnlyList<AdoptedInstance> Find(ObjectStore store, string daemonId)
    {
        var result = new List<AdoptedInstance>();
        foreach (var stored in store.List(Spec.Kinds.Pod.Kind))
        {
            if (stored.Object is not V1Pod { Status: { } status } pod || stored.Uid is not { } uid) continue;
            if (PodPhases.IsTerminal(status.Phase) || Spec.ImagePods.RunInEngine(pod.Metadata, pod.Spec)) continue;
            foreach (var container in (status.InitContainerStatuses ?? []).Concat(status.ContainerStatuses ?? []))
                if (Running(container) is { } pid && OwnedInstance(pid, $"{daemonId}/{pod.Metadata.Name}/{uid}/{container.Name}/") is { } instance)
                    result.Add(new AdoptedInstance(pod.Metadata.Name, uid, container.Name, instance.Number, instance.Owner, pid));
        }
        return result;
    }

    /// <summary>The image containers stored pods show running, for the engine to say which it still runs
    /// (the engine runtime's ClaimAsync): by the same rules, a pod not finished whose status shows
    /// the container running with the engine's containerID.</summary>
    public static IReadOnlyList<Runtime.AdoptionCandidate> ImageCandidates(ObjectStore store)
    {
        var result = new List<Runtime.AdoptionCandidate>();
        foreach (var stored in store.List(Spec.Kinds.Pod.Kind))
        {
            if (stored.Object is not V1Pod { Status: { } status } pod || stored.Uid is not { } uid) continue;
            if (PodPhases.IsTerminal(status.Phase) || !Spec.ImagePods.RunInEngine(pod.Metadata, pod.Spec)) continue;
            foreach (var container in (status.InitContainerStatuses ?? []).Concat(status.ContainerStatuses ?? []))
                if (container.State?.Running is not null && container.ContainerID is { Length: > 0 } id && !id.StartsWith(HostIdPrefix, StringComparison.Ordinal))
                    result.Add(new Runtime.AdoptionCandidate(pod.Metadata.NamespaceProperty ?? Store.ObjectKey.DefaultNamespace, pod.Metadata.Name, uid, container.Name, id));
        }
        return result;
    }

    /// <summary>The main pid of a container its status shows running on the host, if any.</summary>
    private static int? Running(V1ContainerStatus status) =>
        status.State?.Running is not null && status.ContainerID is { } id && id.StartsWith(HostIdPrefix, StringComparison.Ordinal)
        && int.TryParse(id.AsSpan(HostIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
            ? pid : null;

    /// <summary>The instance number and owner mark of process <paramref name="pid"/>, if it is alive and marked as an
    /// instance of the container <paramref name="prefix"/> names.</summary>
    private static (int Number, string Owner)? OwnedInstance(int pid, string prefix)
    {
        if (!ProcFs.TryRead(pid, out var info) || info.IsZombie) return null;
        if (ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable) is not { } owner || !owner.StartsWith(prefix, StringComparison.Ordinal)) return null;
        return int.TryParse(owner.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? (number, owner) : null;
    }
}
