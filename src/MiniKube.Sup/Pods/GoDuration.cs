namespace MiniKube.Sup.Pods;

/// <summary>Formats a duration as Go's time.Duration.String does ("10s", "1m20s", "5m0s"), for messages that
/// Kubernetes users know.</summary>
public static class GoDuration
{
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
}
