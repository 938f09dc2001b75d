using System.Text.Json;

namespace MiniKube.Sup.Client.Output;

/// <summary>kubectl's <c>-o custom-columns=HEADER:PATH,...</c>: one row per object (a List's items, else the object),
/// each cell the values its JSONPath finds (several joined by ','), <c>&lt;none&gt;</c> when none.</summary>
public static class CustomColumns
{
    /// <exception cref="FormatException">a column without HEADER:PATH.</exception>
    public static IReadOnlyList<(string Header, string Path)> Parse(string spec) =>
        spec.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(column =>
        {
            var colon = column.IndexOf(':');
            if (colon <= 0 || colon == column.Length - 1) throw new FormatException($"custom-columns: expected HEADER:PATH, got \"{column}\"");
            var path = column[(colon + 1)..].Trim();
            // kubectl takes a path with or without its braces.
            if (path.StartsWith('{') && path.EndsWith('}')) path = path[1..^1];
            return (column[..colon].Trim(), path);
        }).ToList();

    public static string Format(IReadOnlyList<(string Header, string Path)> columns, JsonElement objectOrList)
    {
        var objects = objectOrList.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array && objectOrList.TryGetProperty("kind", out var kind) && kind.GetString()?.EndsWith("List", StringComparison.Ordinal) == true
            ? items.EnumerateArray().ToList()
            : [objectOrList];
        var rows = objects.Select(o => columns.Select(c =>
        {
            var found = JsonPathTemplate.Find(c.Path, o);
            return found.Count == 0 ? "<none>" : string.Join(",", found.Select(JsonPathTemplate.Format));
        }).ToList()).ToList();
        return TablePrinter.Format(columns.Select(c => c.Header).ToList(), rows);
    }
}
