using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's persistentvolume columns (printPersistentVolume: CLAIM is namespace/name of its claimRef).</summary>
public static class PersistentVolumeTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Capacity", "string", "", 0, "capacity is the description of the persistent volume's resources and capacity."),
        new("Access Modes", "string", "", 0, "accessModes contains all ways the volume can be mounted."),
        new("Reclaim Policy", "string", "", 0, "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
        new("Status", "string", "", 0, "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        new("Claim", "string", "", 0, "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
        new("StorageClass", "string", "", 0, "StorageClass of the pv"),
        new("VolumeAttributesClass", "string", "", 0, "VolumeAttributesClass of the pv"),
        new("Reason", "string", "", 0, "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        Tables.Age,
        new("VolumeMode", "string", "", 1, "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
    ], (obj, now) =>
    {
        var pv = (V1PersistentVolume)obj;
        var spec = pv.Spec;
        return
        [
            pv.Metadata.Name,
            spec?.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : "0",
            Tables.AccessModes(spec?.AccessModes),
            spec?.PersistentVolumeReclaimPolicy ?? "",
            pv.Metadata.DeletionTimestamp is null ? pv.Status?.Phase ?? "" : "Terminating",
            spec?.ClaimRef is { } claim ? $"{claim.NamespaceProperty}/{claim.Name}" : "",
            pv.Metadata.Annotations?.TryGetValue(Tables.BetaStorageClassAnnotation, out var cls) == true ? cls : spec?.StorageClassName ?? "",
            spec?.VolumeAttributesClassName ?? "<unset>",
            pv.Status?.Reason ?? "",
            Tables.AgeOf(pv, now),
            spec?.VolumeMode ?? "<unset>",
        ];
    });
}
