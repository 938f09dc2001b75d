using System.Globalization;
using MiniKube.Sup.Cron;

namespace MiniKube.Sup.Tests.Cron;

public sealed class CronScheduleTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private static CronSchedule Parse(string text)
    {
        var schedule = CronSchedule.Parse(text, out var error);
        Assert.True(schedule is not null, error);
        return schedule!;
    }

    [Theory]
    [InlineData("*/15 * * * *", "Etc/UTC", "2026-01-01T00:07:00Z", "2026-01-01T00:15:00Z")]
    [InlineData("* * * * *", "Etc/UTC", "2026-01-01T00:07:00Z", "2026-01-01T00:08:00Z")]
    [InlineData("0 9 * * 1-5", "Etc/UTC", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z")] // Friday → Monday
    [InlineData("0 9 * * MON-FRI", "Etc/UTC", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z")]
    [InlineData("0 0 1 JAN *", "Etc/UTC", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    // Day-of-month and day-of-week both restricted: either matches (robfig/Vixie OR; Cronos alone would AND them).
    [InlineData("0 0 13 * 5", "Etc/UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")] // Friday the 2nd
    [InlineData("0 0 13 * 5", "Etc/UTC", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z")] // Tuesday the 13th
    // A stepped */2 is not a star in robfig: still OR (AND would give Monday the 5th).
    [InlineData("0 0 */2 * 1", "Etc/UTC", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z")]
    // One day field is * (or ?): both must match.
    [InlineData("0 0 13 * *", "Etc/UTC", "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z")]
    [InlineData("0 0 * * 5", "Etc/UTC", "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z")]
    [InlineData("@hourly", "Etc/UTC", "2026-01-01T00:30:00Z", "2026-01-01T01:00:00Z")]
    [InlineData("@daily", "Etc/UTC", "2026-01-01T00:30:00Z", "2026-01-02T00:00:00Z")]
    [InlineData("@weekly", "Etc/UTC", "2026-01-01T00:30:00Z", "2026-01-04T00:00:00Z")] // Sunday
    [InlineData("@monthly", "Etc/UTC", "2026-01-01T00:30:00Z", "2026-02-01T00:00:00Z")]
    [InlineData("@yearly", "Etc/UTC", "2026-01-01T00:30:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("@every 90m", "Etc/UTC", "2026-01-01T00:30:10.5Z", "2026-01-01T02:00:10Z")]
    // A time zone: 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC in summer (CEST).
    [InlineData("0 9 * * *", "Europe/Berlin", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00Z")]
    [InlineData("0 9 * * *", "Europe/Berlin", "2026-07-01T00:00:00Z", "2026-07-01T07:00:00Z")]
    // DST spring forward in New York (2026-03-08, 02:00 → 03:00): 02:30 does not exist and fires at 03:00 EDT.
    [InlineData("30 2 * * *", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z")]
    [InlineData("30 2 * * *", "America/New_York", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")]
    // DST fall back (2026-11-01, 02:00 → 01:00): 01:30 happens twice and fires once, at the first (EDT).
    [InlineData("30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", "2026-11-01T05:30:00Z")]
    [InlineData("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z")]
    // Every 30 minutes across the fall-back hour fires in both 01:xx hours (an interval, not a fixed time).
    [InlineData("*/30 * * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z")]
    public void Next_tick(string schedule, string zone, string after, string expected) =>
        Assert.Equal(At(expected), Parse(schedule).Next(At(after), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Theory]
    [InlineData("", "required")]
    [InlineData("* * * *", "expected 5 fields")]
    [InlineData("* * * * * *", "expected 5 fields")]
    [InlineData("61 * * * *", "unparseable schedule")]
    [InlineData("* 24 * * *", "unparseable schedule")]
    [InlineData("0 0 L * *", "day-of-month")]
    [InlineData("0 0 * * 5#2", "day-of-week")]
    [InlineData("0 0 * * 7", "0 (Sunday) to 6")]
    [InlineData("0 0 * FOO *", "month")]
    [InlineData("@reboot", "unknown macro")]
    [InlineData("@every soon", "invalid duration")]
    [InlineData("TZ=UTC * * * * *", "spec.timeZone")]
    public void Invalid_schedules_say_what_is_wrong(string schedule, string expected)
    {
        Assert.Null(CronSchedule.Parse(schedule, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    // earliest, now → the latest tick in (earliest, now] and the upstream estimate of how many were missed
    [InlineData("* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:00:59Z", null, 0)]
    [InlineData("* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z", 1)]
    [InlineData("* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:05:10Z", "2026-01-01T00:05:00Z", 5)]
    [InlineData("* * * * *", "2026-01-01T00:05:00Z", "2026-01-01T00:05:10Z", null, 0)] // the last tick was already run
    [InlineData("0 * * * *", "2026-01-01T00:00:00Z", "2026-01-04T00:30:00Z", "2026-01-04T00:00:00Z", 72)]
    [InlineData("* * * * *", "2026-01-01T00:00:00Z", "2026-01-01T02:00:30Z", "2026-01-01T02:00:00Z", 120)]
    [InlineData("0 9 * * 1-5", "2026-01-02T09:00:00Z", "2026-01-05T12:00:00Z", "2026-01-05T09:00:00Z", 1)] // over a weekend
    public void Most_recent_missed_tick(string schedule, string earliest, string now, string? expected, long missed)
    {
        var (tick, count) = Parse(schedule).MostRecent(At(earliest), At(now), TimeZoneInfo.Utc);
        Assert.Equal(expected is null ? null : At(expected), tick);
        Assert.Equal(missed, count);
    }
}
