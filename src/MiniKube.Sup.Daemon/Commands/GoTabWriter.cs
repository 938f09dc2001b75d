using System.Text;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>Go's text/tabwriter as kubectl describe sets it up (tabbedString: minwidth 0, tabwidth 8, padding 2,
/// padchar ' ', no flags). A cell is text ended by a tab; the last cell of a line is not aligned. A column block is
/// a run of consecutive lines that all have a cell in that column: each cell is padded to the block's widest cell
/// plus two, and the columns to its right are laid out the same way within the block (format() in tabwriter.go).</summary>
internal static class GoTabWriter
{
    private const int Padding = 2;

    public static string Format(string text)
    {
        var lines = text.Split('\n').Select(l => l.Split('\t')).ToArray();
        var output = new StringBuilder(text.Length + 64);
        Format(lines, 0, lines.Length, [], output);
        return output.ToString();
    }

    private static void Format(string[][] lines, int line0, int line1, List<int> widths, StringBuilder output)
    {
        var column = widths.Count;
        for (var at = line0; at < line1; at++)
        {
            if (column >= lines[at].Length - 1) continue;
            // A cell in this column: the lines above it are done; the block runs while lines have one.
            Write(lines, line0, at, widths, output);
            line0 = at;
            var width = 0;
            for (; at < line1 && column < lines[at].Length - 1; at++)
                width = Math.Max(width, Width(lines[at][column]) + Padding);
            widths.Add(width);
            Format(lines, line0, at, widths, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = at;
        }
        Write(lines, line0, line1, widths, output);
    }

    private static void Write(string[][] lines, int from, int to, List<int> widths, StringBuilder output)
    {
        for (var i = from; i < to; i++)
        {
            var cells = lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                output.Append(cells[j]);
                if (j < widths.Count) output.Append(' ', widths[j] - Width(cells[j]));
            }
            // The text after the last line break is a line without one.
            if (i + 1 < lines.Length) output.Append('\n');
        }
    }

    /// <summary>Go counts runes (UTF-8 characters), not bytes.</summary>
    private static int Width(string cell) => cell.EnumerateRunes().Count();
}
