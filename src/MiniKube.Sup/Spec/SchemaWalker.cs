using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Strict schema check of a JSON tree against a Kubernetes model type, before deserializing it: every unknown field
/// (with a "did you mean") and every value of the wrong type is reported at once, each at its own line and column.
/// Driven by the source-generated <c>k8s.SourceGenerationContext</c> metadata, so it is trim- and AOT-safe.
/// Like Kubernetes, an explicit null means "unset" and is accepted anywhere except as a list item.
/// </summary>
internal sealed class SchemaWalker
{
    private static readonly Dictionary<Type, Dictionary<string, JsonPropertyInfo>> PropertyCache = [];
    private static readonly Lock CacheLock = new();

    private readonly SourceMap _map;
    private readonly List<LocatedProblem> _problems;

    private SchemaWalker(SourceMap map, List<LocatedProblem> problems)
    {
        _map = map;
        _problems = problems;
    }

    public static void Walk(JsonNode? root, Type modelType, SourceMap map, List<LocatedProblem> problems)
        => new SchemaWalker(map, problems).WalkNode(root, modelType, string.Empty);

    /// <summary>The JSON field names of a model type and their metadata (empty for types with no object metadata).</summary>
    public static IReadOnlyDictionary<string, JsonPropertyInfo> PropertiesOf(Type type)
    {
        lock (CacheLock)
        {
            if (!PropertyCache.TryGetValue(type, out var properties))
            {
                properties = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
                var info = TypeInfo(type);
                if (info is { Kind: JsonTypeInfoKind.Object })
                {
                    foreach (var property in info.Properties)
                    {
                        properties[property.Name] = property;
                    }
                }

                PropertyCache[type] = properties;
            }

            return properties;
        }
    }

    private static JsonTypeInfo? TypeInfo(Type type)
    {
        try
        {
            return k8s.SourceGenerationContext.Default.GetTypeInfo(type);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private void WalkNode(JsonNode? node, Type type, string path)
    {
        if (node is null)
        {
            return;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            Expect(node, path, JsonValueKind.String, "string");
        }
        else if (target == typeof(bool))
        {
            if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                Report(node, path, "boolean (true or false)");
            }
        }
        else if (target == typeof(int))
        {
            ExpectInteger(node, path, int.MinValue, int.MaxValue, "integer");
        }
        else if (target == typeof(long))
        {
            ExpectInteger(node, path, long.MinValue, long.MaxValue, "integer");
        }
        else if (target == typeof(double) || target == typeof(float) || target == typeof(decimal))
        {
            Expect(node, path, JsonValueKind.Number, "number");
        }
        else if (target == typeof(IntOrString))
        {
            if (node.GetValueKind() != JsonValueKind.String)
            {
                ExpectInteger(node, path, int.MinValue, int.MaxValue, "integer or string");
            }
        }
        else if (target == typeof(ResourceQuantity))
        {
            CheckQuantity(node, path);
        }
        else if (target == typeof(byte[]))
        {
            if (Expect(node, path, JsonValueKind.String, "base64-encoded string") &&
                !System.Buffers.Text.Base64.IsValid(node.GetValue<string>()))
            {
                AddAtValue(path, "expected base64-encoded string (put plain text under stringData instead)");
            }
        }
        else if (target == typeof(DateTime) || target == typeof(DateTimeOffset))
        {
            Expect(node, path, JsonValueKind.String, "RFC 3339 time string");
        }
        else if (target == typeof(object) || target == typeof(JsonElement) || target == typeof(JsonNode))
        {
            // Free-form by design (e.g. x-kubernetes extensions).
        }
        else
        {
            WalkStructured(node, target, path);
        }
    }

    private void WalkStructured(JsonNode node, Type type, string path)
    {
        var info = TypeInfo(type);
        switch (info?.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj)
                {
                    Report(node, path, "mapping");
                    return;
                }

                var properties = PropertiesOf(type);
                foreach (var (name, child) in obj)
                {
                    var childPath = path.Dot(name);
                    if (!properties.TryGetValue(name, out var property))
                    {
                        var message = $"unknown field \"{name}\"";
                        var suggestion = StringSimilarity.Closest(name, properties.Keys);
                        if (suggestion is not null)
                        {
                            message += $"; did you mean \"{suggestion}\"?";
                        }

                        AddAtKey(childPath, message);
                        continue;
                    }

                    WalkNode(child, property.PropertyType, childPath);
                }

                break;

            case JsonTypeInfoKind.Enumerable:
                if (node is not JsonArray array)
                {
                    Report(node, path, "list");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    if (item is null)
                    {
                        AddAtValue(path.At(i), $"expected {Describe(info.ElementType!)}, got null (an empty list item)");
                        continue;
                    }

                    WalkNode(item, info.ElementType!, path.At(i));
                }

                break;

            case JsonTypeInfoKind.Dictionary:
                if (node is not JsonObject dictionary)
                {
                    Report(node, path, "mapping");
                    return;
                }

                foreach (var (key, value) in dictionary.ToList())
                {
                    if (value is null && info.ElementType == typeof(string))
                    {
                        // k8s: `key:` with no value decodes as the empty string.
                        dictionary[key] = JsonValue.Create(string.Empty);
                        continue;
                    }

                    WalkNode(value, info.ElementType!, path.Dot(key));
                }

                break;

            default:
                // A type with its own converter and no metadata: leave it to the deserializer.
                break;
        }
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return "string";
        }

        if (target == typeof(int) || target == typeof(long))
        {
            return "integer";
        }

        return TypeInfo(target)?.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "list",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "mapping",
            _ => "value",
        };
    }

    private bool Expect(JsonNode node, string path, JsonValueKind kind, string expected)
    {
        if (node.GetValueKind() == kind)
        {
            return true;
        }

        Report(node, path, expected);
        return false;
    }

    private void ExpectInteger(JsonNode node, string path, long min, long max, string expected)
    {
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            Report(node, path, expected);
            return;
        }

        var value = node.AsValue();
        if (value.TryGetValue<long>(out var integer))
        {
            if (integer < min || integer > max)
            {
                AddAtValue(path, $"{integer} is out of range: allowed {min} to {max}");
            }

            return;
        }

        if (value.TryGetValue<double>(out var real) && real == Math.Floor(real) && !HasFraction(path))
        {
            // Strict bounds: a literal just past long's range rounds to it as a double.
            if (real > min && real < max) return;
            var text = _map.TryGet(path, out var source) && source.Text is { } t ? t : node.ToJsonString();
            AddAtValue(path, $"{text} is out of range: allowed {min} to {max}");
            return;
        }

        Report(node, path, expected);
    }

    // 1e3 is an integer value written as a float; 1.0 and 1.5 are not accepted where Kubernetes wants an integer.
    private bool HasFraction(string path) => _map.TryGet(path, out var source) && source.Text is { } text && text.Contains('.');

    private void CheckQuantity(JsonNode node, string path)
    {
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number:
                return;
            case JsonValueKind.String:
                try
                {
                    _ = new ResourceQuantity(node.GetValue<string>());
                }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                {
                    AddAtValue(path, $"invalid quantity \"{node.GetValue<string>()}\": expected a number with an optional suffix such as 500m, 128Mi or 1G");
                }

                return;
            default:
                Report(node, path, "quantity (a number or a string such as 500m or 128Mi)");
                return;
        }
    }

    private void Report(JsonNode node, string path, string expected)
    {
        var got = DescribeValue(node, path);
        var message = $"expected {expected}, got {got}";
        if (expected == "string" && node.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False &&
            _map.TryGet(path, out var source) && source.Text is { } text)
        {
            message += $" (quote it: \"{text}\")";
        }

        AddAtValue(path, message);
    }

    private string DescribeValue(JsonNode node, string path)
    {
        var text = _map.TryGet(path, out var source) ? source.Text : null;
        switch (node.GetValueKind())
        {
            case JsonValueKind.Object:
                return "mapping";
            case JsonValueKind.Array:
                return "list";
            case JsonValueKind.String:
                return $"string \"{node.GetValue<string>()}\"";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return $"boolean {text ?? node.ToJsonString()}";
            case JsonValueKind.Number:
                var isInteger = node.AsValue().TryGetValue<long>(out _);
                return $"{(isInteger ? "integer" : "number")} {text ?? node.ToJsonString()}";
            default:
                return node.ToJsonString();
        }
    }

    private void AddAtValue(string path, string message)
    {
        var (line, column) = _map.TryGet(path, out var node) ? node.Value : _map.Locate(path);
        _problems.Add(new LocatedProblem(path, line, column, message));
    }

    private void AddAtKey(string path, string message)
    {
        var (line, column) = _map.TryGet(path, out var node) ? node.Key ?? node.Value : _map.Locate(path);
        _problems.Add(new LocatedProblem(path, line, column, message));
    }
}
