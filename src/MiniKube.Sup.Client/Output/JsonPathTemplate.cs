using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MiniKube.Sup.Client.Output;

/// <summary>
/// kubectl's JSONPath templates (client-go util/jsonpath), for <c>-o jsonpath=</c> and <c>-o custom-columns=</c>:
/// text with <c>{...}</c> actions; in an action a path (<c>.a.b</c>, <c>['a']</c>, <c>[0]</c>, <c>[-1]</c>,
/// <c>[1:3]</c>, <c>[*]</c>, <c>.*</c>, <c>..name</c>, unions <c>[0,2]</c>, filters <c>[?(@.type=="Ready")]</c>
/// with ==, !=, &lt;, &lt;=, &gt;, &gt;= or a bare path for "exists"), a quoted literal <c>{"\n"}</c>, or
/// <c>{range PATH}...{end}</c>. Several results of one action are joined by a space; strings print bare, other
/// values as compact JSON. A path that finds nothing prints nothing (kubectl's --allow-missing-template-keys).
/// </summary>
public sealed class JsonPathTemplate
{
    private abstract record Node;
    private sealed record Text(string Value) : Node;
    private sealed record Path(string Expression) : Node;
    private sealed record Range(string Expression, List<Node> Body) : Node;

    private readonly List<Node> _nodes;

    private JsonPathTemplate(List<Node> nodes) => _nodes = nodes;

    /// <exception cref="FormatException">an unclosed action, a stray {end}, an unclosed range.</exception>
    public static JsonPathTemplate Parse(string template)
    {
        var position = 0;
        var nodes = ParseNodes(template, ref position, inRange: false);
        return new JsonPathTemplate(nodes);
    }

    public string Execute(JsonElement root)
    {
        var output = new StringBuilder();
        Run(_nodes, root, root, output);
        return output.ToString();
    }

    /// <summary>The values one path finds from <paramref name="root"/> (for custom-columns' cells).</summary>
    public static IReadOnlyList<JsonElement> Find(string expression, JsonElement root) => Evaluate(expression, root, root);

    /// <summary>A value as kubectl prints it: a string bare, anything else as compact JSON.</summary>
    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "<nil>",
        JsonValueKind.Object or JsonValueKind.Array => Written(w => WriteSorted(w, value)),
        _ => value.GetRawText(),
    };

    /// <summary>An object's keys in order, as kubectl prints them (it holds objects as Go maps, which encoding/json
    /// writes sorted).</summary>
    private static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>What a writer writes, as text (compact JSON).</summary>
    private static string Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<Node> ParseNodes(string template, ref int position, bool inRange)
    {
        var nodes = new List<Node>();
        var text = new StringBuilder();
        while (position < template.Length)
        {
            var c = template[position];
            if (c != '{')
            {
                text.Append(c);
                position++;
                continue;
            }
            var close = ActionEnd(template, position);
            var action = template[(position + 1)..close].Trim();
            position = close + 1;
            if (text.Length > 0) { nodes.Add(new Text(text.ToString())); text.Clear(); }
            if (action == "end")
            {
                if (!inRange) throw new FormatException("{end} without a {range}");
                return nodes;
            }
            if (action.StartsWith("range ", StringComparison.Ordinal))
            {
                var body = ParseNodes(template, ref position, inRange: true);
                nodes.Add(new Range(action["range ".Length..].Trim(), body));
                continue;
            }
            if (action.Length >= 2 && action[0] == '"' && action[^1] == '"') nodes.Add(new Text(Unquote(action[1..^1])));
            else if (action.Length > 0) nodes.Add(new Path(action));
        }
        if (inRange) throw new FormatException("{range} without an {end}");
        if (text.Length > 0) nodes.Add(new Text(text.ToString()));
        return nodes;
    }

    /// <summary>The index of the '}' that closes the action opened at <paramref name="open"/> (quotes respected).</summary>
    private static int ActionEnd(string template, int open)
    {
        char? quote = null;
        for (var i = open + 1; i < template.Length; i++)
        {
            var c = template[i];
            if (quote is { } q)
            {
                if (c == '\\') i++;
                else if (c == q) quote = null;
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '}') return i;
        }
        throw new FormatException($"unclosed action starting at {open}: {template[open..]}");
    }

    private static string Unquote(string s)
    {
        var result = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { result.Append(s[i]); continue; }
            result.Append(s[++i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '"' => '"', '\\' => '\\', var other => other });
        }
        return result.ToString();
    }

    private static void Run(List<Node> nodes, JsonElement root, JsonElement current, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Text t:
                    output.Append(t.Value);
                    break;
                case Path p:
                    output.AppendJoin(' ', Evaluate(p.Expression, root, current).Select(Format));
                    break;
                case Range r:
                    foreach (var item in Evaluate(r.Expression, root, current))
                        foreach (var element in item.ValueKind == JsonValueKind.Array && IsWholeArray(r.Expression) ? item.EnumerateArray().ToList() : [item])
                            Run(r.Body, root, element, output);
                    break;
            }
        }
    }

    /// <summary>{range .items} walks the array's elements as {range .items[*]} does.</summary>
    private static bool IsWholeArray(string expression) => !expression.TrimEnd().EndsWith(']');

    private static List<JsonElement> Evaluate(string expression, JsonElement root, JsonElement current)
    {
        var e = expression.Trim();
        List<JsonElement> values;
        if (e.StartsWith('$')) { values = [root]; e = e[1..]; }
        else if (e.StartsWith('@')) { values = [current]; e = e[1..]; }
        else values = [current];
        var i = 0;
        while (i < e.Length && values.Count > 0)
        {
            if (e[i] == '.')
            {
                var recursive = i + 1 < e.Length && e[i + 1] == '.';
                i += recursive ? 2 : 1;
                if (i < e.Length && e[i] == '[')
                {
                    if (recursive) values = values.SelectMany(Descendants).ToList();
                    continue;
                }
                var start = i;
                while (i < e.Length && e[i] is not ('.' or '[')) i++;
                var name = e[start..i];
                var from = recursive ? values.SelectMany(Descendants).ToList() : values;
                values = name == "*" ? from.SelectMany(Children).ToList() : from.SelectMany(v => Field(v, name)).ToList();
            }
            else if (e[i] == '[')
            {
                var close = BracketEnd(e, i);
                var inside = e[(i + 1)..close].Trim();
                i = close + 1;
                values = values.SelectMany(v => Subscript(v, inside, root)).ToList();
            }
            else throw new FormatException($"unexpected '{e[i]}' in {expression}");
        }
        return values;
    }

    private static int BracketEnd(string e, int open)
    {
        var depth = 0;
        char? quote = null;
        for (var i = open; i < e.Length; i++)
        {
            var c = e[i];
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '[') depth++;
            else if (c == ']' && --depth == 0) return i;
        }
        throw new FormatException($"unclosed [ in {e}");
    }

    private static IEnumerable<JsonElement> Field(JsonElement value, string name) =>
        name.Length == 0 ? [value] : value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var found) ? [found] : [];

    private static IEnumerable<JsonElement> Children(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().Select(p => p.Value).ToList(),
        JsonValueKind.Array => value.EnumerateArray().ToList(),
        _ => [],
    };

    private static IEnumerable<JsonElement> Descendants(JsonElement value) => new[] { value }.Concat(Children(value).SelectMany(Descendants));

    private static IEnumerable<JsonElement> Subscript(JsonElement value, string inside, JsonElement root)
    {
        if (inside == "*") return Children(value);
        if (inside.StartsWith("?(", StringComparison.Ordinal) && inside.EndsWith(')'))
            return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(item => Matches(inside[2..^1], item, root)).ToList() : [];
        var results = new List<JsonElement>();
        foreach (var part in SplitTopLevel(inside))
        {
            var p = part.Trim();
            if (p.Length >= 2 && p[0] is '\'' or '"' && p[^1] == p[0]) results.AddRange(Field(value, p[1..^1]));
            else if (value.ValueKind != JsonValueKind.Array) continue;
            else if (p.Contains(':'))
            {
                var bounds = p.Split(':');
                var length = value.GetArrayLength();
                var from = Index(bounds[0], 0, length);
                var to = Index(bounds[1], length, length);
                for (var k = Math.Max(from, 0); k < Math.Min(to, length); k++) results.Add(value[k]);
            }
            else if (int.TryParse(p, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                var length = value.GetArrayLength();
                var k = n < 0 ? length + n : n;
                if (k >= 0 && k < length) results.Add(value[k]);
            }
        }
        return results;
    }

    private static int Index(string text, int missing, int length) =>
        string.IsNullOrWhiteSpace(text) ? missing
        : int.Parse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) is var n && n < 0 ? length + n : n;

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var start = 0;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == ',') { yield return text[start..i]; start = i + 1; }
        }
        yield return text[start..];
    }

    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "<", ">"];

    /// <summary>A filter's condition on one array element: PATH OP VALUE, or PATH alone (it exists).</summary>
    private static bool Matches(string condition, JsonElement item, JsonElement root)
    {
        foreach (var op in Operators)
        {
            var at = IndexOutsideQuotes(condition, op);
            if (at < 0) continue;
            var left = Operand(condition[..at].Trim(), item, root);
            var right = Operand(condition[(at + op.Length)..].Trim(), item, root);
            if (left is null || right is null) return false;
            var order = Compare(left.Value, right.Value);
            return op switch
            {
                "==" => order == 0,
                "!=" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                _ => order >= 0,
            };
        }
        return Evaluate(condition, root, item).Count > 0;
    }

    private static int IndexOutsideQuotes(string text, string op)
    {
        char? quote = null;
        for (var i = 0; i + op.Length <= text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (c is '"' or '\'') { quote = c; continue; }
            if (string.CompareOrdinal(text, i, op, 0, op.Length) == 0) return i;
        }
        return -1;
    }

    private static JsonElement? Operand(string text, JsonElement item, JsonElement root)
    {
        if (text.Length >= 2 && text[0] is '"' or '\'' && text[^1] == text[0])
            return JsonDocument.Parse(Written(w => w.WriteStringValue(text[1..^1]))).RootElement;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text is "true" or "false" or "null")
            return JsonDocument.Parse(text).RootElement;
        var found = Evaluate(text, root, item);
        return found.Count > 0 ? found[0] : null;
    }

    private static int Compare(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number) return a.GetDouble().CompareTo(b.GetDouble());
        return string.CompareOrdinal(Format(a), Format(b));
    }
}
