using k8s.Models;

namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>The pods by state, as the daemon's systemd STATUS= line says them: "12 pods: 10 ready, 1 pending, 1 failed".</summary>
/// <remarks>Each pod is counted once: terminating (being deleted) first, then by phase, a Running pod as ready or not
/// by its Ready condition (k8s: what `kubectl get pods` shows as READY).</remarks>
internal readonly record struct PodCounts(int Ready, int NotReady, int Pending, int Terminating, int Succeeded, int Failed)
{
    public int Total => Ready + NotReady + Pending + Terminating + Succeeded + Failed;

    public static PodCounts Of(IEnumerable<V1Pod> pods)
    {
        int ready = 0, notReady = 0, pending = 0, terminating = 0, succeeded = 0, failed = 0;
        foreach (var pod in pods)
        {
            if (pod.Metadata?.DeletionTimestamp is not null) terminating++;
            else if (pod.Status?.Phase == "Succeeded") succeeded++;
            else if (pod.Status?.Phase == "Failed") failed++;
            else if (pod.Status?.Phase == "Running") { if (IsReady(pod)) ready++; else notReady++; }
            else pending++; // Pending, Unknown, or no status yet
        }
        return new PodCounts(ready, notReady, pending, terminating, succeeded, failed);
    }

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>"12 pods: 10 ready, 1 pending, 1 failed": the ready count always, the others when not zero.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{Ready} ready" };
        if (NotReady > 0) parts.Add($"{NotReady} not ready");
        if (Pending > 0) parts.Add($"{Pending} pending");
        if (Terminating > 0) parts.Add($"{Terminating} terminating");
        if (Succeeded > 0) parts.Add($"{Succeeded} succeeded");
        if (Failed > 0) parts.Add($"{Failed} failed");
        return $"{Total} {(Total == 1 ? "pod" : "pods")}: {string.Join(", ", parts)}";
    }
}
