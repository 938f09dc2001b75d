using System.Globalization;

namespace MiniKube.Sup.Controllers;

/// <summary>An Indexed Job's status.completedIndexes: sorted intervals such as "0-2,4,6-7" (k8s indexed_job_utils.go).</summary>
public static class CompletedIndexes
{
    public static SortedSet<int> Parse(string? text)
    {
        var set = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) continue;
            var last = bounds.Length == 2 && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : first;
            for (var i = first; i <= last; i++) set.Add(i);
        }
        return set;
    }

    public static string? Format(IReadOnlyCollection<int> indexes)
    {
        if (indexes.Count == 0) return null;
        var parts = new List<string>();
        int? start = null, previous = null;
        foreach (var i in indexes.Order())
        {
            if (previous is { } p && i == p + 1) { previous = i; continue; }
            if (start is { } s) parts.Add(s == previous ? $"{s}" : $"{s}-{previous}");
            start = previous = i;
        }
        parts.Add(start == previous ? $"{start}" : $"{start}-{previous}");
        return string.Join(',', parts);
    }
}
