using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// What a Job's pods say about it, counted from the pods themselves (as the Job controller did before finalizer
/// tracking): they are kept, with their final status, until the Job goes. Pods being deleted are not counted: this
/// controller deleted them (suspend, deadline, surplus), or a user did, and they did not fail on their own.
/// </summary>
public sealed record JobPodCounts(
    int Succeeded,
    int Failed,
    SortedSet<int> CompletedIndexes,
    string? FailJobMessage,
    int FailuresAfterLastSuccess,
    DateTimeOffset? LastFailureAt)
{
    public static JobPodCounts Of(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        var indexed = job.Spec.CompletionMode == "Indexed";
        var succeeded = 0;
        var completed = new SortedSet<int>();
        string? failJobMessage = null;
        DateTimeOffset? lastSuccess = null;
        var failures = new List<DateTimeOffset>();
        foreach (var pod in pods.OrderBy(p => p.Metadata.CreationTimestamp))
        {
            if (PodState.IsTerminating(pod)) continue;
            switch (pod.Status?.Phase)
            {
                case "Succeeded":
                    if (!indexed) succeeded++;
                    else if (JobController.IndexOf(pod) is { } index && index < (job.Spec.Completions ?? 0)) completed.Add(index);
                    var done = FinishTime(pod);
                    if (done is not null && (lastSuccess is null || done > lastSuccess)) lastSuccess = done;
                    break;
                case "Failed":
                    var (action, message) = PodFailurePolicies.Match(job.Spec.PodFailurePolicy, pod);
                    if (action == PodFailurePolicies.Ignore) break; // k8s: not counted, replaced at once
                    if (action == PodFailurePolicies.FailJob) failJobMessage ??= message;
                    failures.Add(FinishTime(pod) ?? new DateTimeOffset(DateTime.SpecifyKind(pod.Metadata.CreationTimestamp ?? DateTime.MinValue, DateTimeKind.Utc)));
                    break;
            }
        }
        return new JobPodCounts(
            succeeded,
            failures.Count,
            completed,
            failJobMessage,
            failures.Count(f => lastSuccess is null || f > lastSuccess),
            failures.Count == 0 ? null : failures.Max());
    }

    /// <summary>k8s getFinishedTime: the latest container finish time.</summary>
    public static DateTimeOffset? FinishTime(V1Pod pod)
    {
        var times = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .Select(s => s.State?.Terminated?.FinishedAt).Where(t => t is not null).Select(t => t!.Value).ToList();
        return times.Count == 0 ? null : new DateTimeOffset(DateTime.SpecifyKind(times.Max(), DateTimeKind.Utc));
    }
}
