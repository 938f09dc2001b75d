using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's priorityclass columns (printPriorityClass; PREEMPTIONPOLICY after AGE, as there).</summary>
public static class PriorityClassTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Value", "integer", "", 0, "value represents the integer value of this priority class."),
        new("Global-Default", "boolean", "", 0, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
        Tables.Age,
        new("PreemptionPolicy", "string", "", 0, "preemptionPolicy is the Policy for preempting pods with lower priority."),
    ], (obj, now) =>
    {
        var pc = (V1PriorityClass)obj;
        return [pc.Metadata.Name, pc.Value is { } value ? value : 0, pc.GlobalDefault ?? false, Tables.AgeOf(pc, now), pc.PreemptionPolicy ?? ""];
    });
}
