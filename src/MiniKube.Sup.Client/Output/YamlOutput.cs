using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace MiniKube.Sup.Client.Output;

/// <summary>JSON to YAML for -o yaml, through YamlDotNet's representation model (no reflection: NativeAOT-safe).</summary>
internal static class YamlOutput
{
    public static string FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var stream = new YamlStream(new YamlDocument(Convert(doc.RootElement)));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode Convert(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new YamlMappingNode();
                foreach (var p in e.EnumerateObject()) map.Add(new YamlScalarNode(p.Name), Convert(p.Value));
                return map;
            case JsonValueKind.Array:
                var seq = new YamlSequenceNode();
                foreach (var item in e.EnumerateArray()) seq.Add(Convert(item));
                return seq;
            case JsonValueKind.String:
                var s = e.GetString() ?? "";
                var scalar = new YamlScalarNode(s);
                if (NeedsQuotes(s)) scalar.Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted;
                return scalar;
            case JsonValueKind.Null:
                return new YamlScalarNode("null");
            default:
                return new YamlScalarNode(e.GetRawText());
        }
    }

    /// <summary>A string that YAML would read back as something else (a number, a bool, null) stays quoted.</summary>
    private static bool NeedsQuotes(string s) =>
        s.Length == 0 || s is "true" or "false" or "null" or "~" or "yes" or "no" or "on" or "off"
        || double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
