using System.Text;
using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for Roles, ClusterRoles and their bindings: a Role's rules are
/// broken down to one group and resource each, the plain ones merged again (rbac.CompactRules) and sorted by their
/// Go text, as kubectl does.</summary>
internal static class RbacDescription
{
    public static string Role(V1ObjectMeta meta, IList<V1PolicyRule>? rules)
    {
        var t = new StringBuilder(Header(meta));
        t.Append("PolicyRule:\n");
        string[][] rows =
        [
            ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"],
            ["---------", "-----------------", "--------------", "-----"],
            .. Compact((rules ?? []).SelectMany(Breakdown))
                .OrderBy(GoText, StringComparer.Ordinal)
                .Select(r => new[] { ResourceGroup(r.Resources, r.ApiGroups), GoList(r.NonResourceURLs), GoList(r.ResourceNames), GoList(r.Verbs) }),
        ];
        t.Append(ObjectDescription.Columns(rows, indent: 2));
        return t.ToString();
    }

    public static string Binding(V1ObjectMeta meta, V1RoleRef roleRef, IList<Rbacv1Subject>? subjects)
    {
        var t = new StringBuilder(Header(meta));
        t.Append("Role:\n");
        t.Append(ObjectDescription.Lines([("Kind:", [roleRef.Kind]), ("Name:", [roleRef.Name])], indent: 2));
        t.Append("Subjects:\n");
        string[][] rows =
        [
            ["Kind", "Name", "Namespace"], ["----", "----", "---------"],
            .. (subjects ?? []).Select(s => new[] { s.Kind, s.Name, s.NamespaceProperty ?? "" }),
        ];
        t.Append(ObjectDescription.Columns(rows, indent: 2));
        return t.ToString();
    }

    private static string Header(V1ObjectMeta meta) => ObjectDescription.Lines(
    [
        ("Name:", [meta.Name]),
        ("Labels:", ObjectDescription.Pairs(meta.Labels, "=")),
        ("Annotations:", ObjectDescription.Pairs(meta.Annotations, ": ")),
    ]);

    /// <summary>rbac.BreakdownRule: one rule per group, resource and resource name; one per non-resource URL.</summary>
    private static IEnumerable<V1PolicyRule> Breakdown(V1PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups ?? [])
            foreach (var resource in rule.Resources ?? [])
            {
                if (rule.ResourceNames is { Count: > 0 } names)
                    foreach (var name in names) yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = rule.Verbs, ResourceNames = [name] };
                else yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = rule.Verbs };
            }
        foreach (var url in rule.NonResourceURLs ?? []) yield return new V1PolicyRule { NonResourceURLs = [url], Verbs = rule.Verbs };
    }

    /// <summary>rbac.CompactRules: the rules of one group, resource (and resource name) merge their verbs.</summary>
    private static List<V1PolicyRule> Compact(IEnumerable<V1PolicyRule> rules)
    {
        var compacted = new List<V1PolicyRule>();
        var simple = new Dictionary<(string, string, string?), V1PolicyRule>();
        foreach (var rule in rules)
        {
            if (rule.NonResourceURLs is { Count: > 0 } || rule.ApiGroups is not { Count: 1 } || rule.Resources is not { Count: 1 })
            {
                compacted.Add(rule);
                continue;
            }
            var key = (rule.ApiGroups[0], rule.Resources[0], rule.ResourceNames?.FirstOrDefault());
            if (simple.TryGetValue(key, out var existing))
                existing.Verbs = [.. existing.Verbs ?? [], .. (rule.Verbs ?? []).Where(v => existing.Verbs?.Contains(v) != true)];
            else simple[key] = new V1PolicyRule { ApiGroups = rule.ApiGroups, Resources = rule.Resources, ResourceNames = rule.ResourceNames, Verbs = [.. rule.Verbs ?? []] };
        }
        compacted.AddRange(simple.Values);
        return compacted;
    }

    /// <summary>rbac.CombineResourceGroup: resource.group, a subresource after it.</summary>
    private static string ResourceGroup(IList<string>? resources, IList<string>? groups)
    {
        if (resources is not { Count: > 0 }) return "";
        var parts = resources[0].Split('/', 2);
        var combined = parts[0];
        if (groups is { Count: > 0 } && groups[0] != "") combined += "." + groups[0];
        return parts.Length == 2 ? combined + "/" + parts[1] : combined;
    }

    /// <summary>The generated PolicyRule.String() that kubectl sorts the rules by.</summary>
    private static string GoText(V1PolicyRule r) =>
        $"&PolicyRule{{Verbs:{GoList(r.Verbs)},APIGroups:{GoList(r.ApiGroups)},Resources:{GoList(r.Resources)},ResourceNames:{GoList(r.ResourceNames)},NonResourceURLs:{GoList(r.NonResourceURLs)},}}";

    /// <summary>A string slice as Go's %v prints it.</summary>
    private static string GoList(IList<string>? items) => "[" + string.Join(" ", items ?? []) + "]";
}
