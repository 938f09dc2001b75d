using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's storageclass columns (printStorageClass: "(default)" after the default class's name; Delete,
/// Immediate and false when unset).</summary>
public static class StorageClassTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Provisioner", "string", "", 0, "provisioner indicates the type of the provisioner."),
        new("ReclaimPolicy", "string", "", 0, "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
        new("VolumeBindingMode", "string", "", 0, "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
        new("AllowVolumeExpansion", "string", "", 0, "allowVolumeExpansion shows whether the storage class allow volume expand."),
        Tables.Age,
    ], (obj, now) =>
    {
        var sc = (V1StorageClass)obj;
        bool Marked(string key) => sc.Metadata.Annotations?.TryGetValue(key, out var value) == true && value == "true";
        var isDefault = Marked("storageclass.kubernetes.io/is-default-class") || Marked("storageclass.beta.kubernetes.io/is-default-class");
        return
        [
            isDefault ? sc.Metadata.Name + " (default)" : sc.Metadata.Name,
            sc.Provisioner ?? "",
            sc.ReclaimPolicy ?? "Delete",
            sc.VolumeBindingMode ?? "Immediate",
            sc.AllowVolumeExpansion ?? false,
            Tables.AgeOf(sc, now),
        ];
    });
}
