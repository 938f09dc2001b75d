using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Client.Commands;

/// <summary>One `--for` of `sup wait`, as kubectl reads it: <c>delete</c>, <c>condition=TYPE[=VALUE]</c> (VALUE
/// defaults to True) or <c>jsonpath={.a.b[0].c}[=VALUE]</c> (without a value: the field is there and not null).
/// The JSONPath is kubectl's simple form: fields and array indexes.</summary>
internal sealed class WaitCondition
{
    private readonly Func<JsonElement, bool>? _met;

    private WaitCondition(string text, Func<JsonElement, bool>? met, string? conditionType = null)
    {
        Text = text;
        _met = met;
        ConditionType = conditionType;
    }

    public string Text { get; }

    /// <summary>--for=delete: met once the object is gone.</summary>
    public bool IsDelete => _met is null;

    /// <summary>The condition type waited for (condition=TYPE), else null.</summary>
    public string? ConditionType { get; }

    public bool IsMetBy(JsonElement obj) => _met is not null && _met(obj);

    /// <returns>the condition, or null and why the text is not one.</returns>
    public static (WaitCondition? Condition, string? Error) Parse(string text)
    {
        if (text == "delete") return (new WaitCondition(text, null), null);
        if (text.StartsWith("condition=", StringComparison.Ordinal))
        {
            var parts = text["condition=".Length..].Split('=', 2);
            if (parts[0].Length == 0) return (null, $"--for {text}: expected condition=TYPE[=VALUE]");
            var type = parts[0];
            var expected = parts.Length == 2 ? parts[1] : "True";
            return (new WaitCondition(text, obj => HasCondition(obj, type, expected), type), null);
        }
        if (text.StartsWith("jsonpath=", StringComparison.Ordinal))
        {
            var rest = text["jsonpath=".Length..];
            // The expression ends at its closing brace; "=VALUE" may follow. Quotes a shell left in are dropped.
            var close = rest.IndexOf('}');
            var expression = close < 0 ? rest : rest[..(close + 1)];
            var tail = close < 0 ? "" : rest[(close + 1)..];
            expression = expression.Trim('\'', '"');
            tail = tail.TrimStart('\'', '"');
            if (!expression.StartsWith('{') || !expression.EndsWith('}') || ParsePath(expression[1..^1]) is not { } path)
                return (null, $"--for {text}: expected jsonpath={{.field.path}}[=VALUE], e.g. jsonpath='{{.status.phase}}'=Running");
            if (tail.Length > 0 && tail[0] != '=') return (null, $"--for {text}: expected =VALUE after the JSONPath expression");
            string? value = tail.Length > 0 ? tail[1..].Trim('\'', '"') : null;
            return (new WaitCondition(text, obj => Matches(Select(obj, path), value)), null);
        }
        return (null, $"--for {text}: expected condition=NAME[=VALUE], jsonpath={{...}}[=VALUE] or delete");
    }

    /// <summary>Whether the object has the condition <paramref name="type"/> with the status <paramref name="expected"/>.</summary>
    public static bool HasCondition(JsonElement obj, string type, string expected)
    {
        if (!obj.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array) return false;
        return conditions.EnumerateArray().Any(c =>
            c.TryGetProperty("type", out var t) && string.Equals(t.GetString(), type, StringComparison.OrdinalIgnoreCase)
            && c.TryGetProperty("status", out var s) && string.Equals(s.GetString(), expected, StringComparison.OrdinalIgnoreCase));
    }

    private static bool Matches(JsonElement? found, string? expected)
    {
        if (found is not { } value || value.ValueKind == JsonValueKind.Null) return false;
        if (expected is null) return true;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetRawText(),
        };
        return text == expected;
    }

    /// <summary>A path of field names (string) and array indexes (int): <c>.status.containerStatuses[0].ready</c>.</summary>
    private static List<object>? ParsePath(string expression)
    {
        var steps = new List<object>();
        var i = 0;
        while (i < expression.Length)
        {
            if (expression[i] == '.')
            {
                var end = i + 1;
                while (end < expression.Length && expression[end] != '.' && expression[end] != '[') end++;
                if (end == i + 1) return null;
                steps.Add(expression[(i + 1)..end]);
                i = end;
            }
            else if (expression[i] == '[')
            {
                var end = expression.IndexOf(']', i);
                if (end < 0 || !int.TryParse(expression.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
                steps.Add(index);
                i = end + 1;
            }
            else return null;
        }
        return steps.Count == 0 ? null : steps;
    }

    private static JsonElement? Select(JsonElement obj, List<object> path)
    {
        var current = obj;
        foreach (var step in path)
        {
            if (step is string field)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(field, out current)) return null;
            }
            else
            {
                var index = (int)step;
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength()) return null;
                current = current[index];
            }
        }
        return current;
    }
}
