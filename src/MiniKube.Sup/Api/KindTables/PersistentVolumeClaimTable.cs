using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's persistentvolumeclaim columns (printPersistentVolumeClaim: CAPACITY and ACCESS MODES from the
/// status once the claim names its volume; STORAGECLASS from the beta annotation, else spec.storageClassName).</summary>
public static class PersistentVolumeClaimTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Status", "string", "", 0, "Phase represents the current phase of PersistentVolumeClaim."),
        new("Volume", "string", "", 0, "volumeName is the binding reference to the PersistentVolume backing this claim."),
        new("Capacity", "string", "", 0, "capacity represents the actual resources of the underlying volume."),
        new("Access Modes", "string", "", 0, "accessModes contains the actual access modes the volume backing the PVC has."),
        new("StorageClass", "string", "", 0, "StorageClass of the pvc"),
        new("VolumeAttributesClass", "string", "", 0, "VolumeAttributesClass of the pvc"),
        Tables.Age,
        new("VolumeMode", "string", "", 1, "volumeMode defines what type of volume is required by the claim."),
    ], (obj, now) =>
    {
        var claim = (V1PersistentVolumeClaim)obj;
        var bound = !string.IsNullOrEmpty(claim.Spec?.VolumeName);
        return
        [
            claim.Metadata.Name,
            claim.Metadata.DeletionTimestamp is null ? claim.Status?.Phase ?? "" : "Terminating",
            claim.Spec?.VolumeName ?? "",
            bound && claim.Status?.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : "",
            bound ? Tables.AccessModes(claim.Status?.AccessModes) : "",
            claim.Metadata.Annotations?.TryGetValue(Tables.BetaStorageClassAnnotation, out var cls) == true ? cls : claim.Spec?.StorageClassName ?? "",
            claim.Spec?.VolumeAttributesClassName ?? "<unset>",
            Tables.AgeOf(claim, now),
            claim.Spec?.VolumeMode ?? "<unset>",
        ];
    });
}
