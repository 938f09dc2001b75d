using System.Globalization;

namespace MiniKube.Sup.Client.Arguments;

/// <summary>kubectl's --timeout values: a number with s, m or h (30s, 1.5m, 2h), or bare seconds.</summary>
internal static class DurationArgument
{
    /// <returns>the duration, or null when <paramref name="text"/> is not one.</returns>
    public static TimeSpan? Parse(string text)
    {
        if (text.Length == 0) return null;
        var unit = text[^1];
        if (!double.TryParse(char.IsDigit(unit) ? text : text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ when char.IsDigit(unit) => TimeSpan.FromSeconds(n),
            _ => null,
        };
    }

    /// <summary>What the user is told when <see cref="Parse"/> cannot read an option's value.</summary>
    public static string Unreadable(string option, string text) => $"{option}: cannot read \"{text}\" (use e.g. 30s, 2m, 1h)";
}
