using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's networkpolicy columns (printNetworkPolicy: POD-SELECTOR, &lt;none&gt; for the empty selector).</summary>
public static class NetworkPolicyTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Pod-Selector", "string", "", 0, "Selects the pods to which this NetworkPolicy object applies."),
        Tables.Age,
    ], (obj, now) =>
    {
        var policy = (V1NetworkPolicy)obj;
        return [policy.Metadata.Name, Tables.Selector(policy.Spec?.PodSelector), Tables.AgeOf(policy, now)];
    });
}
