using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// PersistentVolumeClaims as a single-host provisioner binds them: a claim's storage is its directory
/// (<see cref="StatePaths.VolumeDirectory"/>), made when the first pod that uses the claim sets up its volumes (as a
/// WaitForFirstConsumer class provisions). Until then the claim is <c>Pending</c>; once the directory exists it is
/// <c>Bound</c>: its spec.volumeName names the volume as dynamic provisioning names it (<c>pvc-&lt;claim uid&gt;</c>;
/// kubectl shows a claim's capacity and access modes only when it has one), and its status has the storage it
/// requested as its capacity and its access modes (k8s: the PV controller copies the bound volume's capacity and
/// modes into the claim's status). No PersistentVolume object is made.
/// </summary>
public sealed class ClaimController(ControllerContext context) : Controller(context)
{
    public const string Pending = "Pending";
    public const string Bound = "Bound";

    public override string Kind => Kinds.PersistentVolumeClaim.Kind;

    /// <summary>A claim's own changes, and any change of a pod that uses claims (its volumes may be set up now).</summary>
    public override IEnumerable<string> KeysFor(ObjectEvent change)
    {
        if (change.Kind == Kind) yield return QueueKey(change.Object.Metadata);
        else if (change.Kind == Kinds.Pod.Kind && change.Object is V1Pod pod)
            foreach (var volume in pod.Spec?.Volumes ?? [])
                if (volume.PersistentVolumeClaim?.ClaimName is { Length: > 0 } claim)
                    yield return $"{pod.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace}/{claim}";
    }

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1PersistentVolumeClaim claim) return Task.FromResult<TimeSpan?>(null);
        var provisioned = Directory.Exists(Context.Paths.VolumeDirectory(StatePaths.OnDisk(key.Namespace, key.Name)));
        if (provisioned && string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            // k8s: the binder sets volumeName with an update of the claim, then its status.
            Store.Mutate<V1PersistentVolumeClaim>(key, latest =>
            {
                if (latest.Metadata.Uid != claim.Metadata.Uid || !string.IsNullOrEmpty(latest.Spec?.VolumeName)) return false;
                (latest.Spec ??= new V1PersistentVolumeClaimSpec()).VolumeName = VolumeName(latest);
                return true;
            });
        }
        var status = StatusOf(claim, provisioned);
        if (Same(claim.Status, status)) return Task.FromResult<TimeSpan?>(null);
        Store.MutateStatus<V1PersistentVolumeClaim>(key, latest =>
        {
            if (latest.Metadata.Uid != claim.Metadata.Uid) return false;
            var wanted = StatusOf(latest, provisioned);
            if (Same(latest.Status, wanted)) return false;
            latest.Status = wanted;
            return true;
        });
        return Task.FromResult<TimeSpan?>(null);
    }

    /// <summary>k8s: a dynamically provisioned volume is named after its claim's uid.</summary>
    public static string VolumeName(V1PersistentVolumeClaim claim) => "pvc-" + claim.Metadata.Uid;

    /// <summary>Bound with the requested storage and the claim's access modes once provisioned; Pending before.</summary>
    public static V1PersistentVolumeClaimStatus StatusOf(V1PersistentVolumeClaim claim, bool provisioned)
    {
        if (!provisioned) return new V1PersistentVolumeClaimStatus { Phase = Pending };
        var status = new V1PersistentVolumeClaimStatus { Phase = Bound, AccessModes = claim.Spec?.AccessModes?.ToList() };
        if (claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var storage) == true)
            status.Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = storage };
        return status;
    }

    private static bool Same(V1PersistentVolumeClaimStatus? a, V1PersistentVolumeClaimStatus b) =>
        a?.Phase == b.Phase
        && (a.AccessModes ?? []).SequenceEqual(b.AccessModes ?? [])
        && Capacity(a.Capacity) == Capacity(b.Capacity);

    private static string? Capacity(IDictionary<string, ResourceQuantity>? capacity) =>
        capacity?.TryGetValue("storage", out var q) == true ? q.ToString() : null;
}
