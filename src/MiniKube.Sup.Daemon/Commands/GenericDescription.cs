using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's genericDescriber (pkg/describe GenericDescriberFor), what kubectl uses for a kind without
/// a describer of its own (Events, ControllerRevisions): name, namespace, labels and annotations, then every other
/// field of the object as the API serves it (printUnstructuredContent), sorted, nested fields indented. The events
/// follow (written by the caller).</summary>
internal static class GenericDescription
{
    // k8s: what the generic describer has already written, or never writes.
    private static readonly string[] Skipped = [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

    // k8s smartLabelFor: parts written in capitals.
    private static readonly string[] Acronyms = ["API", "URL", "UID", "OSB", "GUID"];

    public static DescribeWriter Describe(JsonElement obj)
    {
        var metadata = obj.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{Text(metadata, "name")}\n")
            .Write(0, $"Namespace:\t{Text(metadata, "namespace")}\n")
            .Labels("Labels", Map(metadata, "labels"))
            .Annotations("Annotations", Map(metadata, "annotations"));
        Content(w, 0, obj, "");
        return w;
    }

    /// <summary>printUnstructuredContent: the fields sorted as Go sorts strings; a map as a heading with its fields
    /// one level in, a list as a heading with its maps' fields (or its values) one level in, a value as
    /// "Label:\tvalue".</summary>
    private static void Content(DescribeWriter w, int level, JsonElement content, string prefix)
    {
        foreach (var field in content.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var path = prefix + "." + field.Name;
            if (Skipped.Contains(path)) continue;
            var value = field.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    w.Write(level, $"{Label(field.Name)}:\n");
                    Content(w, level + 1, value, path);
                    break;
                case JsonValueKind.Array:
                    w.Write(level, $"{Label(field.Name)}:\n");
                    foreach (var item in value.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.Object) Content(w, level + 1, item, path);
                        else w.Write(level + 1, $"{GoValue(item)}\n");
                    break;
                default:
                    w.Write(level, $"{Label(field.Name)}:\t{GoValue(value)}\n");
                    break;
            }
        }
    }

    /// <summary>k8s smartLabelFor: a field of letters and dashes split where its case changes (fatih/camelcase),
    /// each part title-cased or, for a known acronym, capitalised, joined with spaces; any other field as it is.</summary>
    internal static string Label(string field)
    {
        if (field.Any(c => !char.IsLetter(c) && c != '-')) return field;
        return string.Join(' ', CamelCaseParts(field).Select(part =>
            Acronyms.Contains(part.ToUpperInvariant()) ? part.ToUpperInvariant() : char.ToUpperInvariant(part[0]) + part[1..]));
    }

    /// <summary>fatih/camelcase Split: runs of one class (lower, upper, other), then an upper run's last letter moved
    /// to the lower run after it ("podIP" → pod, IP; "HTTPServer" → HTTP, Server).</summary>
    private static List<string> CamelCaseParts(string text)
    {
        static int Class(char c) => char.IsLower(c) ? 1 : char.IsUpper(c) ? 2 : char.IsDigit(c) ? 3 : 4;
        var runs = new List<StringBuilder>();
        var last = 0;
        foreach (var c in text)
        {
            var kind = Class(c);
            if (kind == last) runs[^1].Append(c);
            else runs.Add(new StringBuilder().Append(c));
            last = kind;
        }
        for (var i = 0; i < runs.Count - 1; i++)
            if (char.IsUpper(runs[i][0]) && char.IsLower(runs[i + 1][0]))
            {
                runs[i + 1].Insert(0, runs[i][^1]);
                runs[i].Length--;
            }
        return runs.Where(r => r.Length > 0).Select(r => r.ToString()).ToList();
    }

    /// <summary>Go's %v of a value decoded from JSON into an unstructured object: integers as int64, other numbers as
    /// float64, null as &lt;nil&gt;, a list as [a b], a map as map[k:v] (sorted by key).</summary>
    private static string GoValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "<nil>",
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : GoFloat(value.GetDouble()),
        JsonValueKind.Array => "[" + string.Join(' ', value.EnumerateArray().Select(GoValue)) + "]",
        JsonValueKind.Object => "map[" + string.Join(' ', value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}:{GoValue(p.Value)}")) + "]",
        _ => "",
    };

    /// <summary>Go's %v of a float64 (strconv 'g', shortest): the fewest digits that read back as the same number, in
    /// exponent form (two exponent digits at least) when the exponent is below -4 or 6 and above (1e+06, 1e-05).</summary>
    internal static string GoFloat(double d)
    {
        if (d == 0) return "0";
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var mantissa = shortest.Split('E')[0].TrimStart('-').Replace(".", "", StringComparison.Ordinal).Trim('0');
        var parts = d.ToString("E" + Math.Max(0, mantissa.Length - 1), CultureInfo.InvariantCulture).Split('E');
        var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
        if (exponent is >= -4 and < 6) return decimal.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return $"{parts[0]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    private static string Text(JsonElement metadata, string name) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static Dictionary<string, string>? Map(JsonElement metadata, string name) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal)
            : null;
}
