using System.Globalization;
using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>The numbers of a Deployment's rolling update, as upstream computes them (deployment_util.go).</summary>
public static class RolloutMath
{
    /// <summary>k8s intstr.GetScaledValueFromIntOrPercent: an int as is; "N%" of <paramref name="total"/>, rounded
    /// up or down.</summary>
    public static int Scaled(IntOrString? value, int total, bool roundUp)
    {
        var text = value?.Value;
        if (string.IsNullOrEmpty(text)) return 0;
        if (text.EndsWith('%'))
        {
            var percent = int.Parse(text[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var exact = (double)percent * total / 100;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }
        return int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    /// <summary>k8s ResolveFenceposts: surge rounds up, unavailable rounds down, and if both come out 0,
    /// unavailable is 1 (else the rollout could never make progress).</summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = Scaled(maxSurge, desired, roundUp: true);
        var unavailable = Scaled(maxUnavailable, desired, roundUp: false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    private static bool IsRolling(V1Deployment d) => d.Spec.Strategy?.Type is null or "RollingUpdate";

    /// <summary>k8s MaxSurge: 0 unless RollingUpdate.</summary>
    public static int MaxSurge(V1Deployment d)
    {
        if (!IsRolling(d)) return 0;
        var r = d.Spec.Strategy?.RollingUpdate;
        return ResolveFenceposts(r?.MaxSurge ?? "25%", r?.MaxUnavailable ?? "25%", d.Spec.Replicas ?? 1).Surge;
    }

    /// <summary>k8s MaxUnavailable: 0 unless RollingUpdate with replicas &gt; 0; never more than replicas.</summary>
    public static int MaxUnavailable(V1Deployment d)
    {
        var replicas = d.Spec.Replicas ?? 1;
        if (!IsRolling(d) || replicas == 0) return 0;
        var r = d.Spec.Strategy?.RollingUpdate;
        var unavailable = ResolveFenceposts(r?.MaxSurge ?? "25%", r?.MaxUnavailable ?? "25%", replicas).Unavailable;
        return Math.Min(unavailable, replicas);
    }

    /// <summary>k8s NewRSNewReplicas (RollingUpdate): how many replicas the new ReplicaSet may have now.
    /// <paramref name="allReplicas"/> sums spec.replicas over every ReplicaSet of the Deployment.</summary>
    public static int NewReplicaSetReplicas(V1Deployment d, int allReplicas, int newReplicas)
    {
        var replicas = d.Spec.Replicas ?? 1;
        if (!IsRolling(d)) return replicas;
        var maxTotal = replicas + MaxSurge(d);
        if (allReplicas >= maxTotal) return newReplicas;
        var scaleUp = Math.Min(maxTotal - allReplicas, replicas - newReplicas);
        return newReplicas + scaleUp;
    }

    /// <summary>k8s reconcileOldReplicaSets: how many old replicas may go now, counting the new ReplicaSet's
    /// not-yet-available replicas as already unavailable.</summary>
    public static int MaxScaledDown(V1Deployment d, int allReplicas, int newReplicas, int newAvailable) =>
        allReplicas - ((d.Spec.Replicas ?? 1) - MaxUnavailable(d)) - (newReplicas - newAvailable);
}
