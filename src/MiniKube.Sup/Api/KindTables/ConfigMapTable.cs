using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's configmap columns (printConfigMap: NAME, DATA = its data and binaryData keys, AGE).</summary>
public static class ConfigMapTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Data", "integer", "", 0, "Number of data items in the configmap."),
        Tables.Age,
    ], (obj, now) =>
    {
        var map = (V1ConfigMap)obj;
        return [map.Metadata.Name, (map.Data?.Count ?? 0) + (map.BinaryData?.Count ?? 0), Tables.AgeOf(map, now)];
    });
}
