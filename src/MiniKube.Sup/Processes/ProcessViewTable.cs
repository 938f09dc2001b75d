using System.Globalization;
using System.Text;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Processes;

/// <summary>
/// The plain-text table of <c>sup ps</c>: one row per pod, container and process, the first column drawing the
/// tree (pod → container → master → workers, the process rows labelled by pid). Deterministic: the same view
/// always gives the same text.
/// <code>
/// POD/CONTAINER/PID  PPID  ROLE    USER      STATE  CPU%  RSS     COMMAND
/// web
/// └─ app
///    └─ 4242         100   master  root      S      0.5   12.3Mi  apache2 -DFOREGROUND
///       ├─ 4250      4242  worker  www-data  S      0.0   8.0Mi   apache2 -DFOREGROUND
///       └─ 4251      4242  worker  www-data  S      0.0   8.0Mi   apache2 -DFOREGROUND
/// </code>
/// </summary>
public static class ProcessViewTable
{
    public const int DefaultCommandWidth = 60;

    private static readonly string[] Header = ["POD/CONTAINER/PID", "PPID", "ROLE", "USER", "STATE", "CPU%", "RSS", "COMMAND"];
    private static readonly bool[] RightAligned = [false, true, false, false, false, true, true, false];

    /// <param name="commandWidth">commands longer than this are cut, ending with "…"</param>
    public static string Format(IReadOnlyList<ProcessViewPod> pods, int commandWidth = DefaultCommandWidth)
    {
        var rows = new List<string[]> { Header };
        foreach (var pod in pods)
        {
            // The tree of one pod: levels 0 (pod), 1 (container), 2 + depth (process).
            var items = new List<(int Level, string Label, string[] Cells)> { (0, pod.Name, Empty) };
            foreach (var c in pod.Containers)
            {
                items.Add((1, c.MasterPid is null ? $"{c.Name} (not running)" : c.Name, Empty));
                foreach (var p in c.Processes)
                {
                    items.Add((2 + p.Depth, p.Pid.ToString(CultureInfo.InvariantCulture),
                    [
                        p.Ppid.ToString(CultureInfo.InvariantCulture),
                        p.Role,
                        ControlCharacters.Escape(p.User),
                        p.State.ToString(),
                        p.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture),
                        HumanBytes(p.RssBytes),
                        Truncate(ControlCharacters.Escape(p.Command), commandWidth), // any process may set its command line
                    ]));
                }
            }
            var levels = items.Select(i => i.Level).ToList();
            for (var i = 0; i < items.Count; i++)
                rows.Add([TreePrefix(levels, i) + items[i].Label, .. items[i].Cells]);
        }
        return Render(rows);
    }

    /// <summary>1023B, 1.0Ki, 12.3Mi, 2.0Gi (binary units, one decimal).</summary>
    public static string HumanBytes(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        string[] units = ["Ki", "Mi", "Gi", "Ti", "Pi"];
        var value = bytes / 1024.0;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + units[unit];
    }

    public static string Truncate(string text, int width)
    {
        text = text.ReplaceLineEndings(" ");
        if (width <= 0 || text.Length <= width) return text;
        return width == 1 ? "…" : text[..(width - 1)] + "…";
    }

    private static readonly string[] Empty = ["", "", "", "", "", "", ""];

    /// <summary>The box-drawing prefix of row <paramref name="index"/> from the level of every row (a depth-first
    /// listing): "├─ " or "└─ " before the row, "│  " or "   " for each open ancestor.</summary>
    private static string TreePrefix(List<int> levels, int index)
    {
        var level = levels[index];
        if (level == 0) return "";
        var prefix = new StringBuilder();
        for (var k = 1; k < level; k++)
        {
            var ancestor = index - 1;
            while (ancestor >= 0 && levels[ancestor] != k) ancestor--;
            prefix.Append(ancestor >= 0 && !IsLast(levels, ancestor) ? "│  " : "   ");
        }
        prefix.Append(IsLast(levels, index) ? "└─ " : "├─ ");
        return prefix.ToString();
    }

    private static bool IsLast(List<int> levels, int index)
    {
        for (var j = index + 1; j < levels.Count; j++)
        {
            if (levels[j] < levels[index]) return true;
            if (levels[j] == levels[index]) return false;
        }
        return true;
    }

    private static string Render(List<string[]> rows)
    {
        var widths = new int[Header.Length];
        foreach (var row in rows)
        {
            // The tree column of pod and container rows does not widen the table: those rows have no other cells.
            var isLabelOnly = row[1].Length == 0 && row[2].Length == 0;
            for (var c = 0; c < row.Length - 1; c++)
                if (!(c == 0 && isLabelOnly)) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                if (c == row.Length - 1) line.Append(row[c]);
                else line.Append(RightAligned[c] ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
