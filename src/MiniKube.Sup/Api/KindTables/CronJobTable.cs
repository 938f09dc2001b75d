using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's cronjob columns (printCronJob).</summary>
public static class CronJobTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Schedule", "string", "", 0, "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        new("Timezone", "string", "", 0, "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
        new("Suspend", "boolean", "", 0, "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
        new("Active", "integer", "", 0, "A list of pointers to currently running jobs."),
        new("Last Schedule", "string", "", 0, "Information when was the last time the job was successfully scheduled."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "A label query over pods that should match the pod count."),
    ], (obj, now) =>
    {
        var cj = (V1CronJob)obj;
        var containers = cj.Spec.JobTemplate?.Spec?.Template?.Spec?.Containers ?? [];
        return
        [
            cj.Metadata.Name,
            cj.Spec.Schedule,
            cj.Spec.TimeZone ?? "<none>",
            cj.Spec.Suspend is { } suspend ? (suspend ? "True" : "False") : "<unset>",
            cj.Status?.Active?.Count ?? 0,
            cj.Status?.LastScheduleTime is { } last ? HumanDuration.Format(now - last) : "<none>",
            Tables.AgeOf(cj, now),
            string.Join(",", containers.Select(x => x.Name)),
            string.Join(",", containers.Select(x => x.Image ?? "")),
            Tables.Selector(cj.Spec.JobTemplate?.Spec?.Selector),
        ];
    });
}
