namespace MiniKube.Sup.Spec;

/// <summary>
/// Load-time check of a CronJob schedule's shape: 5 fields or a macro, as <c>cron.ParseStandard</c> accepts.
/// HOOK: this only checks the shape. The CronJob scheduler parses schedules with Cronos; when the engine references
/// Cronos, replace <see cref="Check"/>'s body with a Cronos parse (CronExpression.TryParse, CronFormat.Standard) so that
/// ranges such as minute 61 are rejected at load time too.
/// </summary>
internal static class CronScheduleSyntax
{
    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    /// <summary>Null when <paramref name="schedule"/> looks like a valid schedule, else what is wrong and what is allowed.</summary>
    public static string? Check(string? schedule)
    {
        var text = schedule?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return "required: a cron schedule such as \"*/5 * * * *\" or a macro such as @hourly";
        }

        if (text.StartsWith("TZ=", StringComparison.Ordinal) || text.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            // k8s: rejected by validation since 1.29.
            return "TZ= and CRON_TZ= are not supported in schedule; set spec.timeZone instead";
        }

        if (text.StartsWith('@'))
        {
            if (Macros.Contains(text, StringComparer.OrdinalIgnoreCase) || text.StartsWith("@every ", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return $"unknown macro \"{text}\": allowed {string.Join(", ", Macros)}";
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"expected 5 fields (minute hour day-of-month month day-of-week), got {fields.Length}";
        }

        foreach (var field in fields)
        {
            if (!field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '?' or ',' or '-' or '/'))
            {
                return $"invalid field \"{field}\": use numbers, names (JAN, MON), *, ?, lists (a,b), ranges (a-b) and steps (*/n)";
            }
        }

        return null;
    }
}
