using System.Globalization;
using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// Which pods a ReplicaSet deletes first when it scales down: k8s controller_utils ActivePodsWithRanks.Less with
/// LogarithmicScaleDown (on by default). Pods that sort first go first: unassigned, then Pending &lt; Unknown &lt;
/// Running, not ready, lower pod-deletion-cost, ready for less time, more restarts, newer. On one host every pod
/// is on the same node, so the "doubled up" rank never differs.
/// </summary>
public sealed class PodDeletionOrder(DateTimeOffset now) : IComparer<V1Pod>
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    public int Compare(V1Pod? a, V1Pod? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        if (Less(a, b)) return -1;
        return Less(b, a) ? 1 : 0;
    }

    /// <summary>The pods to delete: the first <paramref name="count"/> in this order.</summary>
    public static IReadOnlyList<V1Pod> ToDelete(IEnumerable<V1Pod> active, int count, DateTimeOffset now) =>
        active.Order(new PodDeletionOrder(now)).Take(count).ToList();

    private bool Less(V1Pod i, V1Pod j)
    {
        // 1. Unassigned < assigned.
        var ni = i.Spec?.NodeName ?? "";
        var nj = j.Spec?.NodeName ?? "";
        if (ni != nj && (ni.Length == 0 || nj.Length == 0)) return ni.Length == 0;
        // 2. Pending < Unknown < Running.
        var pi = PhaseOrdinal(i);
        var pj = PhaseOrdinal(j);
        if (pi != pj) return pi < pj;
        // 3. Not ready < ready.
        var ri = PodState.IsReady(i);
        var rj = PodState.IsReady(j);
        if (ri != rj) return !ri;
        // 4. Lower deletion cost < higher.
        var ci = DeletionCost(i);
        var cj = DeletionCost(j);
        if (ci != cj) return ci < cj;
        // 5. Doubled up < not: one node, equal ranks.
        // 6. Ready for a shorter time < longer (log2 buckets; ties by UID).
        if (ri && rj)
        {
            var ti = ReadySince(i);
            var tj = ReadySince(j);
            if (ti != tj)
            {
                if (ti is null || tj is null) return AfterOrZero(ti, tj);
                var diff = LogRankDiff(ti.Value, tj.Value);
                if (diff == 0) return string.CompareOrdinal(i.Metadata.Uid, j.Metadata.Uid) < 0;
                return diff < 0;
            }
        }
        // 7. More restarts < fewer.
        var xi = MaxRestarts(i);
        var xj = MaxRestarts(j);
        if (xi != xj) return xi > xj;
        // 8. Newer < older (log2 buckets; ties by UID).
        var ki = Utc(i.Metadata.CreationTimestamp);
        var kj = Utc(j.Metadata.CreationTimestamp);
        if (ki != kj)
        {
            if (ki is null || kj is null) return AfterOrZero(ki, kj);
            var diff = LogRankDiff(ki.Value, kj.Value);
            if (diff == 0) return string.CompareOrdinal(i.Metadata.Uid, j.Metadata.Uid) < 0;
            return diff < 0;
        }
        return false;
    }

    private static int PhaseOrdinal(V1Pod pod) => pod.Status?.Phase switch
    {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    private static int DeletionCost(V1Pod pod) =>
        pod.Metadata.Annotations?.TryGetValue(DeletionCostAnnotation, out var v) == true
        && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static DateTimeOffset? ReadySince(V1Pod pod) => Utc(PodState.ReadyCondition(pod)?.LastTransitionTime);

    private static int MaxRestarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>k8s afterOrZero: a zero time sorts first, else the later one.</summary>
    private static bool AfterOrZero(DateTimeOffset? t1, DateTimeOffset? t2)
    {
        if (t1 is null || t2 is null) return t1 is null;
        return t1 > t2;
    }

    /// <summary>k8s logarithmicRankDiff: the difference of floor(log2(age in ns)); ages ≤ 0 rank -1.</summary>
    private long LogRankDiff(DateTimeOffset t1, DateTimeOffset t2)
    {
        static long Rank(TimeSpan age) => age > TimeSpan.Zero ? (long)Math.Log2(age.Ticks * 100.0) : -1;
        return Rank(now - t1) - Rank(now - t2);
    }
}
