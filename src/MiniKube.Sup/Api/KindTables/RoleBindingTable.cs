using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's rolebinding columns (printRoleBinding: ROLE as Kind/name; the wide columns list the subjects).</summary>
public static class RoleBindingTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Role", "string", "", 0, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
        Tables.Age,
        new("Users", "string", "", 1, "Users in the roleBinding"),
        new("Groups", "string", "", 1, "Groups in the roleBinding"),
        new("ServiceAccounts", "string", "", 1, "ServiceAccounts in the roleBinding"),
    ], (obj, now) =>
    {
        var binding = (V1RoleBinding)obj;
        return [binding.Metadata.Name, $"{binding.RoleRef?.Kind}/{binding.RoleRef?.Name}", Tables.AgeOf(binding, now), .. Tables.Subjects(binding.Subjects)];
    });
}
