using System.Globalization;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Where a container's logs are: one directory per container of each pod instance (<see cref="StatePaths.LogDirectory"/>), one log per
/// instance named by its restart count, <c>N.log</c>, with its rotated parts <c>N.log.1</c> (newest) …
/// <c>N.log.K</c> (oldest).
/// </summary>
public static class LogLocator
{
    public static string CurrentFile(string dir, int restartCount) =>
        Path.Combine(dir, restartCount.ToString(CultureInfo.InvariantCulture) + ".log");

    /// <param name="index">1 for the newest rotated part</param>
    public static string RotatedFile(string dir, int restartCount, int index) =>
        CurrentFile(dir, restartCount) + "." + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether instance <paramref name="restartCount"/> has a log. Not only its current file: a rotation moves
    /// <c>N.log</c> to <c>N.log.1</c> and only then makes the next <c>N.log</c>, so in between the current file is
    /// missing while the log is there. Looked at in that order (the current file, then the newest part), one of the two
    /// is found at any moment of a rotation.</summary>
    public static bool Exists(string dir, int restartCount) =>
        File.Exists(CurrentFile(dir, restartCount)) || File.Exists(RotatedFile(dir, restartCount, 1));

    /// <summary>The restart counts that have a log in <paramref name="dir"/> (current or rotated parts), ascending.</summary>
    public static IReadOnlyList<int> Instances(string dir)
    {
        if (!Directory.Exists(dir)) return [];
        var found = new SortedSet<int>();
        foreach (var path in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(path);
            var dot = name.IndexOf(".log", StringComparison.Ordinal);
            if (dot <= 0) continue;
            var rest = name.AsSpan(dot + 4);
            if (!(rest.IsEmpty || (rest[0] == '.' && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out _)))) continue;
            if (int.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) found.Add(n);
        }
        return found.ToList();
    }

    /// <summary>The restart count of the latest instance (the highest N with a log), or null when there is none.</summary>
    public static int? Current(string dir) => Instances(dir) is { Count: > 0 } all ? all[^1] : null;

    /// <summary>The instance before the latest (N − 1), served by <c>--previous</c>, or null when its log is gone or
    /// there is none.</summary>
    public static int? Previous(string dir)
    {
        var all = Instances(dir);
        if (all.Count < 2) return null;
        var previous = all[^1] - 1;
        return all.Contains(previous) ? previous : null;
    }

    /// <summary>The files of one instance's log, oldest first: N.log.K … N.log.1, then N.log (if it exists).</summary>
    public static IReadOnlyList<string> Files(string dir, int restartCount)
    {
        var files = new List<string>();
        for (var i = 1; File.Exists(RotatedFile(dir, restartCount, i)); i++) files.Add(RotatedFile(dir, restartCount, i));
        files.Reverse();
        var current = CurrentFile(dir, restartCount);
        if (File.Exists(current)) files.Add(current);
        return files;
    }

    /// <summary>Deletes one instance's log with all its rotated parts (pruning old instances must remove the
    /// parts too).</summary>
    public static void Delete(string dir, int restartCount)
    {
        File.Delete(CurrentFile(dir, restartCount));
        for (var i = 1; File.Exists(RotatedFile(dir, restartCount, i)); i++) File.Delete(RotatedFile(dir, restartCount, i));
    }
}
