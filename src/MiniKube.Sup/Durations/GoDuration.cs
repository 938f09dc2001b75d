using System.Globalization;

namespace MiniKube.Sup.Durations;

/// <summary>Durations as Kubernetes users write and read them: Go's time.Duration syntax ("1h30m", "90s", "1.5h",
/// "250ms"), the one parser of <c>@every &lt;duration&gt;</c> schedules and the CLI's <c>--timeout</c>, and Go's
/// String form for messages.</summary>
public static class GoDuration
{
    /// <summary>Go's time.ParseDuration: numbers (a fraction allowed) each with a unit (h, m, s, ms, us or µs, ns), or
    /// "0". Null when malformed or negative (sup takes no negative duration). With <paramref name="bareSeconds"/> a
    /// plain number is seconds too ("30"), as sup's CLI has always read it.</summary>
    public static TimeSpan? Parse(string? text, bool bareSeconds = false)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (text[0] == '+') text = text[1..];
        if (text == "0") return TimeSpan.Zero;
        if (bareSeconds && Number(text) is { } plain) return TimeSpan.FromSeconds(plain);
        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (Number(text[start..i]) is not { } n) return null;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            double? scale = text[unitStart..i] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" or "μs" => 1e-6,
                "ns" => 1e-9,
                _ => null,
            };
            if (scale is null) return null;
            total += n * scale.Value;
        }
        return TimeSpan.FromSeconds(total);
    }

    /// <summary>Formats a duration as Go's time.Duration.String does ("10s", "1m20s", "5m0s"), for messages that
    /// Kubernetes users know.</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        if (d < TimeSpan.FromSeconds(1)) return $"{d.TotalMilliseconds:0.###}ms";
        var hours = (int)d.TotalHours;
        var seconds = d.TotalSeconds - hours * 3600 - d.Minutes * 60;
        var s = $"{seconds:0.###}s";
        if (hours > 0) return $"{hours}h{d.Minutes}m{s}";
        return d.Minutes > 0 ? $"{d.Minutes}m{s}" : s;
    }

    /// <summary>Digits with at most one '.' and at least one digit ("1", "1.5", ".5", "5.").</summary>
    private static double? Number(string text) =>
        text.Any(char.IsAsciiDigit) && text.All(c => char.IsAsciiDigit(c) || c == '.') && text.Count(c => c == '.') <= 1
        && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
}
