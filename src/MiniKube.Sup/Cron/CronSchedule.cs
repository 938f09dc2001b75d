using System.Globalization;
using Cronos;
using MiniKube.Sup.Durations;

namespace MiniKube.Sup.Cron;

/// <summary>
/// A CronJob schedule as Kubernetes reads it (<c>cron.ParseStandard</c>, robfig/cron v3): five fields or a macro,
/// evaluated in a time zone by Cronos. Two rules differ between the libraries and are mirrored here:
/// <list type="bullet">
/// <item>Day-of-month vs day-of-week: robfig matches when <b>either</b> day field matches if both are restricted
/// (Vixie cron), and both must match when either is <c>*</c>/<c>?</c>; Cronos always ANDs them. A schedule with
/// both restricted is therefore evaluated as two Cronos expressions (one per day field) whose occurrences are merged.</item>
/// <item><c>@every &lt;duration&gt;</c> (accepted by robfig, undocumented in Kubernetes) is a fixed interval from
/// the previous time, which Cronos has no form for.</item>
/// </list>
/// Daylight saving time follows Cronos: a local time skipped by a spring-forward transition fires at the end of the
/// gap, and a local time repeated by a fall-back transition fires once (robfig skips the first and repeats the second).
/// No clock inside: every method takes the instant to start from.
/// </summary>
public sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly IReadOnlyList<CronExpression> _expressions;
    private readonly TimeSpan? _every;

    private CronSchedule(string text, IReadOnlyList<CronExpression> expressions, TimeSpan? every)
    {
        Text = text;
        _expressions = expressions;
        _every = every;
    }

    public string Text { get; }

    /// <summary>Parses a schedule; on failure <paramref name="error"/> says what is wrong and what is allowed.</summary>
    public static CronSchedule? Parse(string? schedule, out string? error)
    {
        var text = schedule?.Trim() ?? "";
        error = null;
        if (text.Length == 0)
        {
            error = "required: a cron schedule such as \"*/5 * * * *\" or a macro such as @hourly";
            return null;
        }
        if (text.StartsWith("TZ=", StringComparison.Ordinal) || text.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            // k8s: rejected by validation since 1.29.
            error = "TZ= and CRON_TZ= are not supported in schedule; set spec.timeZone instead";
            return null;
        }
        if (text.StartsWith('@'))
        {
            if (text.StartsWith("@every ", StringComparison.OrdinalIgnoreCase))
            {
                var every = GoDuration.Parse(text["@every ".Length..].Trim());
                if (every is not { } interval || interval <= TimeSpan.Zero)
                {
                    error = $"invalid duration in \"{text}\": use Go's form, e.g. @every 1h30m";
                    return null;
                }
                // robfig Every: delays under a second are rounded up to one second, and down to whole seconds.
                var seconds = Math.Max(1, (long)interval.TotalSeconds);
                return new CronSchedule(text, [], TimeSpan.FromSeconds(seconds));
            }
            if (!Macros.TryGetValue(text, out var expanded))
            {
                error = $"unknown macro \"{text}\": allowed {string.Join(", ", Macros.Keys)} and @every <duration>";
                return null;
            }
            return new CronSchedule(text, [CronExpression.Parse(expanded, CronFormat.Standard)], null);
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"expected 5 fields (minute hour day-of-month month day-of-week), got {fields.Length}";
            return null;
        }
        if (CheckRobfigSyntax(fields) is { } problem)
        {
            error = problem;
            return null;
        }
        try
        {
            CronExpression.Parse(string.Join(' ', fields), CronFormat.Standard); // the whole expression must be valid
            // robfig dayMatches: both day fields restricted → either may match; otherwise both must.
            var expressions = IsStar(fields[2]) || IsStar(fields[4])
                ? new[] { string.Join(' ', fields) }
                : [$"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *", $"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}"];
            return new CronSchedule(text, expressions.Select(e => CronExpression.Parse(e, CronFormat.Standard)).ToList(), null);
        }
        catch (CronFormatException e)
        {
            error = $"unparseable schedule \"{text}\": {e.Message}";
            return null;
        }
    }

    /// <summary>The first scheduled instant strictly after <paramref name="after"/>, or null if there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        if (_every is { } every) return Truncate(after) + every;
        DateTimeOffset? best = null;
        foreach (var e in _expressions)
            if (e.GetNextOccurrence(after, zone, inclusive: false) is { } t && (best is null || t < best)) best = t;
        return best?.ToUniversalTime();
    }

    /// <summary>The latest scheduled instant at or before <paramref name="atOrBefore"/> and strictly after
    /// <paramref name="after"/> (null: none in that window).</summary>
    public DateTimeOffset? Previous(DateTimeOffset after, DateTimeOffset atOrBefore, TimeZoneInfo zone)
    {
        if (_every is { } every)
        {
            // robfig: an interval schedule counts from the previous time (lastScheduleTime), not from a fixed origin.
            var first = Truncate(after) + every;
            if (first > atOrBefore) return null;
            var steps = (long)((atOrBefore - first).Ticks / every.Ticks);
            return first + TimeSpan.FromTicks(steps * every.Ticks);
        }
        DateTimeOffset? best = null;
        foreach (var e in _expressions)
            if (e.GetPreviousOccurrence(atOrBefore, zone, inclusive: true) is { } t && t > after && (best is null || t > best)) best = t;
        return best?.ToUniversalTime();
    }

    /// <summary>
    /// k8s mostRecentScheduleTime: the latest scheduled instant in (<paramref name="earliest"/>, <paramref name="now"/>],
    /// and how many were missed in that window, estimated as upstream does — (now − t1) / (t2 − t1) + 1 from the first
    /// two instants — which is what the TooManyMissedTimes warning (> 100) is based on.
    /// </summary>
    public (DateTimeOffset? MostRecent, long Missed) MostRecent(DateTimeOffset earliest, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Next(earliest, zone) is not { } t1 || t1 > now) return (null, 0);
        if (Next(t1, zone) is not { } t2 || t2 > now) return (t1, 1);
        var interval = (long)Math.Round((t2 - t1).TotalSeconds);
        var missed = interval < 1 ? 1 : (long)(now - t1).TotalSeconds / interval + 1;
        return (Previous(earliest, now, zone), missed);
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>robfig getRange: a field part is "star" when its range is <c>*</c> or <c>?</c> with no step above 1;
    /// a list is star when any part is.</summary>
    private static bool IsStar(string field) => field.Split(',').Any(part =>
    {
        var slash = part.IndexOf('/');
        var range = slash >= 0 ? part[..slash] : part;
        if (range is not ("*" or "?")) return false;
        return slash < 0 || (int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step <= 1);
    });

    /// <summary>What robfig accepts and Cronos would read differently: Cronos extensions (L, W, #) are refused, names are
    /// three-letter months and days only, and day-of-week runs 0–6 (robfig has no 7 for Sunday).</summary>
    private static string? CheckRobfigSyntax(string[] fields)
    {
        string[] names = ["minute", "hour", "day-of-month", "month", "day-of-week"];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (!field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '?' or ',' or '-' or '/'))
                return $"invalid {names[i]} field \"{field}\": use numbers, names (JAN, MON), *, ?, lists (a,b), ranges (a-b) and steps (*/n)";
            foreach (var part in field.Split(','))
            {
                var slash = part.IndexOf('/');
                var range = slash >= 0 ? part[..slash] : part;
                foreach (var value in range.Split('-'))
                {
                    if (value.Length == 0 || value is "*" or "?" || value.All(char.IsAsciiDigit))
                    {
                        if (i == 4 && value.All(char.IsAsciiDigit) && value.Length > 0 && int.Parse(value, CultureInfo.InvariantCulture) > 6)
                            return $"invalid day-of-week field \"{field}\": values run from 0 (Sunday) to 6 (Saturday)";
                        continue;
                    }
                    var allowed = i == 3 ? MonthNames : i == 4 ? DayNames : [];
                    if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
                        return $"invalid {names[i]} field \"{field}\": \"{value}\" is not a number{(allowed.Length > 0 ? " or a name (" + string.Join(", ", allowed) + ")" : "")}";
                }
            }
        }
        return null;
    }
}
