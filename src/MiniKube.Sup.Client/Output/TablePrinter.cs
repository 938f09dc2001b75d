using System.Text;
using System.Text.Json;

namespace MiniKube.Sup.Client.Output;

/// <summary>Prints a meta.k8s.io Table as kubectl does: upper-case headers, columns padded to the widest cell
/// with three spaces between; priority-1 columns only with -o wide.</summary>
internal static class TablePrinter
{
    public static (List<string> Headers, List<int> Columns) Columns(JsonElement table, bool wide)
    {
        var headers = new List<string>();
        var columns = new List<int>();
        var i = 0;
        foreach (var c in table.GetProperty("columnDefinitions").EnumerateArray())
        {
            if (wide || c.GetProperty("priority").GetInt32() == 0)
            {
                headers.Add(c.GetProperty("name").GetString()!.ToUpperInvariant());
                columns.Add(i);
            }
            i++;
        }
        return (headers, columns);
    }

    /// <param name="withNamespace">each row starts with its object's namespace (kubectl -A's NAMESPACE column)</param>
    public static List<List<string>> Rows(JsonElement table, List<int> columns, string? kindPrefix = null, bool withNamespace = false)
    {
        var rows = new List<List<string>>();
        foreach (var row in table.GetProperty("rows").EnumerateArray())
        {
            var cells = row.GetProperty("cells").EnumerateArray().ToList();
            var line = columns.Select(i => i < cells.Count ? Cell(cells[i]) : "").ToList();
            if (kindPrefix is not null && line.Count > 0) line[0] = kindPrefix + line[0];
            if (withNamespace) line.Insert(0, NamespaceOf(row));
            rows.Add(line);
        }
        return rows;
    }

    /// <summary>The headers with kubectl -A's NAMESPACE column first.</summary>
    public static List<string> WithNamespace(List<string> headers) => ["NAMESPACE", .. headers];

    private static string NamespaceOf(JsonElement row) =>
        row.TryGetProperty("object", out var o) && o.TryGetProperty("metadata", out var m) && m.TryGetProperty("namespace", out var ns)
            ? ns.GetString() ?? "" : "";

    /// <summary>The table's text; a control character in a cell is shown escaped (it could otherwise recolour,
    /// clear or rewrite the terminal, or break the table's lines).</summary>
    public static string Format(List<string> headers, List<List<string>> rows, bool showHeaders = true)
    {
        var all = (showHeaders ? new List<List<string>> { headers }.Concat(rows) : rows)
            .Select(r => r.Select(Printing.ControlCharacters.Escape).ToList()).ToList();
        if (all.Count == 0) return "";
        var widths = new int[headers.Count];
        foreach (var r in all)
            for (var i = 0; i < r.Count && i < widths.Length; i++) widths[i] = Math.Max(widths[i], r[i].Length);
        var text = new StringBuilder();
        foreach (var r in all)
        {
            for (var i = 0; i < r.Count; i++)
            {
                if (i == r.Count - 1) text.Append(r[i]);
                else text.Append(r[i].PadRight(widths[i] + 3));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => cell.GetString() ?? "",
        JsonValueKind.Null => "<none>",
        _ => cell.GetRawText(),
    };
}
