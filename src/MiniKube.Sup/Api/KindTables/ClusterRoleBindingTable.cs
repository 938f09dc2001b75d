using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's clusterrolebinding columns (printClusterRoleBinding: ROLE as Kind/name; the wide columns list
/// the subjects).</summary>
public static class ClusterRoleBindingTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Role", "string", "", 0, "RoleRef can only reference a ClusterRole in the global namespace."),
        Tables.Age,
        new("Users", "string", "", 1, "Users in the clusterRoleBinding"),
        new("Groups", "string", "", 1, "Groups in the clusterRoleBinding"),
        new("ServiceAccounts", "string", "", 1, "ServiceAccounts in the clusterRoleBinding"),
    ], (obj, now) =>
    {
        var binding = (V1ClusterRoleBinding)obj;
        return [binding.Metadata.Name, $"{binding.RoleRef?.Kind}/{binding.RoleRef?.Name}", Tables.AgeOf(binding, now), .. Tables.Subjects(binding.Subjects)];
    });
}
