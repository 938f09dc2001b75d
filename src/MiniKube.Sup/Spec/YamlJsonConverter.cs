using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Turns one YAML document into a <see cref="JsonNode"/> tree (the shape the Kubernetes JSON model reads) and records
/// every node's position in a <see cref="SourceMap"/>. Plain scalars are typed as Kubernetes' YAML reader types them
/// (null, bool, int — including YAML 1.1 octal such as <c>defaultMode: 0644</c> — and float); quoted, literal and
/// folded scalars, and <c>!!str</c>, are always strings. Merge keys (<c>&lt;&lt;: *base</c>) are honoured.
/// </summary>
internal sealed class YamlJsonConverter
{
    // Aliases can make a small file expand enormously ("billion laughs"); refuse long before memory runs out.
    private const int MaxNodes = 100_000;
    private const int MaxDepth = 200;
    private const string StrTag = "tag:yaml.org,2002:str";

    private readonly SourceMap _map;
    private readonly List<LocatedProblem> _problems;
    private int _nodeCount;
    private bool _tooLarge;

    private YamlJsonConverter(SourceMap map, List<LocatedProblem> problems)
    {
        _map = map;
        _problems = problems;
    }

    public static JsonNode? Convert(YamlNode root, SourceMap map, List<LocatedProblem> problems)
        => new YamlJsonConverter(map, problems).ConvertNode(root, string.Empty, null, 0);

    /// <summary>True for a document that holds nothing (<c>---</c> followed by only comments, or an explicit null).</summary>
    public static bool IsEmptyDocument(YamlNode root)
        => root is YamlScalarNode scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && ScalarToJson(scalar) is null && scalar.Tag.IsEmpty;

    public static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == StrTag)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (TryParseInteger(text, out var integer))
        {
            return integer;
        }

        if (LooksLikeFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    private static bool TryParseInteger(string text, out JsonNode? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return false;
        }

        var negative = text[0] == '-';
        var body = text[0] is '-' or '+' ? text[1..] : text;
        if (body.Length == 0)
        {
            return false;
        }

        System.Numerics.BigInteger magnitude;
        if (body.StartsWith("0x", StringComparison.Ordinal) && body.Length > 2 && body[2..].All(char.IsAsciiHexDigit))
        {
            magnitude = System.Numerics.BigInteger.Parse("0" + body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else if (body.StartsWith("0o", StringComparison.Ordinal) && body.Length > 2 && body[2..].All(c => c is >= '0' and <= '7'))
        {
            magnitude = ParseOctal(body[2..]);
        }
        else if (body.Length > 1 && body[0] == '0' && body.All(c => c is >= '0' and <= '7'))
        {
            // k8s: manifests are read as YAML 1.1, where a leading 0 means octal (defaultMode: 0644 == 420).
            magnitude = ParseOctal(body[1..]);
        }
        else if (body.All(char.IsAsciiDigit))
        {
            magnitude = System.Numerics.BigInteger.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        else
        {
            return false;
        }

        var signed = negative ? -magnitude : magnitude;
        value = signed >= long.MinValue && signed <= long.MaxValue
            ? JsonValue.Create((long)signed)
            : JsonValue.Create((double)signed);
        return true;
    }

    private static System.Numerics.BigInteger ParseOctal(string digits)
    {
        System.Numerics.BigInteger result = 0;
        foreach (var c in digits)
        {
            result = (result * 8) + (c - '0');
        }

        return result;
    }

    private static bool LooksLikeFloat(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '-' or '+')
        {
            i++;
        }

        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
            digits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '-' or '+')
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static (int Line, int Column) Position(YamlNode node) => ((int)node.Start.Line, (int)node.Start.Column);

    private JsonNode? ConvertNode(YamlNode node, string path, (int Line, int Column)? keyMark, int depth)
    {
        if (_tooLarge)
        {
            return null;
        }

        if (++_nodeCount > MaxNodes || depth > MaxDepth)
        {
            _tooLarge = true;
            var (line, column) = Position(node);
            _problems.Add(new LocatedProblem(path, line, column,
                depth > MaxDepth ? $"document nests deeper than {MaxDepth} levels (a recursive alias?)" : $"document expands to more than {MaxNodes} nodes (aliases?)"));
            return null;
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                _map.Add(path, new SourceNode(keyMark, Position(node), false, scalar.Value ?? string.Empty));
                return ScalarToJson(scalar);

            case YamlSequenceNode sequence:
            {
                _map.Add(path, new SourceNode(keyMark, Position(node), true, null));
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(ConvertNode(item, path.At(index), null, depth + 1));
                    index++;
                }

                return array;
            }

            case YamlMappingNode mapping:
            {
                _map.Add(path, new SourceNode(keyMark, Position(node), true, null));
                var result = new JsonObject();
                var merges = new List<YamlNode>();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode keyScalar)
                    {
                        var (line, column) = Position(key);
                        _problems.Add(new LocatedProblem(path, line, column, "a mapping key must be a plain string, not a list or mapping"));
                        continue;
                    }

                    var name = keyScalar.Value ?? string.Empty;
                    if (name == "<<" && keyScalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
                    {
                        merges.Add(value);
                        continue;
                    }

                    result[name] = ConvertNode(value, path.Dot(name), Position(key), depth + 1);
                }

                foreach (var merge in merges)
                {
                    ApplyMerge(result, merge, path, depth);
                }

                return result;
            }

            default:
            {
                var (line, column) = Position(node);
                _problems.Add(new LocatedProblem(path, line, column, "unsupported YAML node"));
                return null;
            }
        }
    }

    // YAML merge key: entries of the merged mapping(s) fill in keys the mapping does not set itself;
    // with a list of mappings, earlier ones win.
    private void ApplyMerge(JsonObject target, YamlNode merge, string path, int depth)
    {
        var sources = merge switch
        {
            YamlMappingNode single => [single],
            YamlSequenceNode list when list.Children.All(c => c is YamlMappingNode) => list.Children.Cast<YamlMappingNode>().ToList(),
            _ => null,
        };
        if (sources is null)
        {
            var (line, column) = Position(merge);
            _problems.Add(new LocatedProblem(path, line, column, "a merge key (<<) takes a mapping or a list of mappings"));
            return;
        }

        foreach (var source in sources)
        {
            foreach (var (key, value) in source.Children)
            {
                if (key is YamlScalarNode keyScalar && keyScalar.Value is { } name && name != "<<" && !target.ContainsKey(name))
                {
                    target[name] = ConvertNode(value, path.Dot(name), Position(key), depth + 1);
                }
            }
        }
    }
}
