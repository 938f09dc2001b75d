namespace MiniKube.Sup.Spec;

/// <summary>
/// Load-time check of a CronJob schedule: parsed as the CronJob controller parses it (<see cref="Cron.CronSchedule"/>,
/// over Cronos), so that what loads is what runs and an unparseable schedule is a located validation error.
/// </summary>
internal static class CronScheduleSyntax
{
    /// <summary>Null when <paramref name="schedule"/> is a valid schedule, else what is wrong and what is allowed.</summary>
    public static string? Check(string? schedule)
    {
        Cron.CronSchedule.Parse(schedule, out var error);
        return error;
    }
}
