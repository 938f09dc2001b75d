using k8s.Models;
using MiniKube.Sup.Printing;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's job columns (printJob, with the Status column of Kubernetes 1.30+).</summary>
public static class JobTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Status", "string", "", 0, "Status of the job."),
        new("Completions", "string", "", 0, "The number of pods which reached phase Succeeded."),
        new("Duration", "string", "", 0, "Time required to complete the job."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "A label query over pods that should match the pod count."),
    ], (obj, now) =>
    {
        var job = (V1Job)obj;
        var s = job.Status;
        var succeeded = s?.Succeeded ?? 0;
        string completions;
        if (job.Spec.Completions is { } c) completions = $"{succeeded}/{c}";
        else completions = (job.Spec.Parallelism ?? 0) > 1 ? $"{succeeded}/1 of {job.Spec.Parallelism}" : $"{succeeded}/1";
        var duration = s?.StartTime is not { } start ? ""
            : s.CompletionTime is { } end ? HumanDuration.Format(end - start)
            : HumanDuration.Format(now - start);
        var status =
            JobConditions.IsTrue(s, JobConditions.Complete) ? "Complete"
            : JobConditions.IsTrue(s, JobConditions.Failed) ? "Failed"
            : job.Metadata.DeletionTimestamp is not null ? "Terminating"
            : JobConditions.IsTrue(s, JobConditions.Suspended) ? "Suspended"
            : JobConditions.IsTrue(s, JobConditions.FailureTarget) ? "FailureTarget"
            : "Running";
        var containers = job.Spec.Template.Spec.Containers;
        return
        [
            job.Metadata.Name,
            status,
            completions,
            duration,
            Tables.AgeOf(job, now),
            string.Join(",", containers.Select(x => x.Name)),
            string.Join(",", containers.Select(x => x.Image ?? "")),
            Tables.Selector(job.Spec.Selector),
        ];
    });
}
