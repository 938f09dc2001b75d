using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiniKube.Sup.Api;

/// <summary>
/// The PATCH bodies kubectl sends: JSON merge patch (RFC 7386), strategic merge patch (the same, except that
/// lists of objects are merged by their merge key — name, containerPort, mountPath, ... — and $-directives are
/// honoured for deletion and dropped otherwise), JSON patch (RFC 6902), and server-side apply (the whole object).
/// </summary>
/// <remarks>Errors as the API server answers them: a patch type it does not know is refused before anything is read
/// (415, <see cref="IsSupported"/>); a body that is not a patch of its type throws <see cref="FormatException"/> or
/// <see cref="JsonException"/> (400); a JSON patch that cannot be applied to this object — a <c>test</c> that fails, a
/// path that is not there, an index out of range — throws <see cref="PatchNotApplicableException"/> (422), and nothing
/// of it is applied.</remarks>
public static class JsonPatching
{
    private const string JsonPatch = "application/json-patch+json";
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>k8s: the media types a PATCH may carry (the API server answers any other with 415).</summary>
    public static readonly IReadOnlyList<string> MediaTypes = [JsonPatch, MergePatch, StrategicMergePatch, ApplyPatch];

    private static readonly string[] MergeKeys = ["name", "containerPort", "mountPath", "devicePath", "ip", "type", "topologyKey", "port"];

    public static bool IsSupported(string? contentType) => MediaTypes.Contains(MediaType(contentType));

    public static string Apply(string current, string patch, string contentType)
    {
        var type = MediaType(contentType);
        if (!MediaTypes.Contains(type)) throw new FormatException($"the patch type \"{type}\" is not one of: {string.Join(", ", MediaTypes)}");
        if (type == ApplyPatch) return patch;
        var target = JsonNode.Parse(current) ?? throw new FormatException("the stored object is empty");
        if (type == JsonPatch)
            return ApplyJsonPatch(target, JsonNode.Parse(patch) as JsonArray ?? throw new FormatException("a JSON patch is an array of operations")).ToJsonString();
        var result = Merge(target, JsonNode.Parse(patch), strategic: type == StrategicMergePatch);
        return result?.ToJsonString() ?? "{}";
    }

    /// <summary>The media type alone, without parameters (<c>application/merge-patch+json; charset=utf-8</c>).</summary>
    private static string MediaType(string? contentType) => (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, bool strategic)
    {
        if (patch is JsonArray patchArray && target is JsonArray targetArray && strategic && MergeKeyOf(patchArray) is { } key)
            return MergeList(targetArray, patchArray, key);
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (name.StartsWith('$')) continue; // $setElementOrder, $retainKeys, $deleteFromPrimitiveList: ordering hints
            if (value is null) result.Remove(name);
            else result[name] = Merge(result[name], value, strategic);
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray target, JsonArray patch, string key)
    {
        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject element || element[key] is not JsonValue id) { result.Add(item?.DeepClone()); continue; }
            var existing = result.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[key], id));
            if (element["$patch"]?.GetValue<string>() == "delete")
            {
                if (existing is not null) result.Remove(existing);
                continue;
            }
            if (existing is null) result.Add(Merge(null, element, strategic: true));
            else result[result.IndexOf(existing)] = Merge(existing, element, strategic: true);
        }
        return result;
    }

    private static string? MergeKeyOf(JsonArray items)
    {
        var first = items.OfType<JsonObject>().FirstOrDefault();
        return first is null ? null : MergeKeys.FirstOrDefault(k => first.ContainsKey(k));
    }

    /// <summary>RFC 6902: the operations in order, on a copy; the first that cannot be applied rejects the whole patch.</summary>
    private static JsonNode ApplyJsonPatch(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var item in operations)
        {
            if (item is not JsonObject op) throw new FormatException("a JSON patch operation is an object with \"op\" and \"path\"");
            var kind = Text(op, "op");
            var path = Text(op, "path");
            switch (kind)
            {
                case "add":
                    Add(document, path, Value(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    Add(document, path, Value(op));
                    break;
                case "move":
                    var from = Text(op, "from");
                    if (path.StartsWith(from + "/", StringComparison.Ordinal))
                        throw new PatchNotApplicableException($"move from {from} to {path}: a value cannot move into itself");
                    var moved = Remove(document, from);
                    Add(document, path, moved);
                    break;
                case "copy":
                    Add(document, path, Get(document, Text(op, "from"))?.DeepClone());
                    break;
                case "test":
                    var actual = Get(document, path);
                    if (!JsonNode.DeepEquals(actual, Value(op)))
                        throw new PatchNotApplicableException($"test failed: the value at {path} is {actual?.ToJsonString() ?? "null"}, not {Value(op)?.ToJsonString() ?? "null"}");
                    break;
                default:
                    throw new FormatException($"JSON patch operation \"{kind}\" is not one of add, remove, replace, move, copy, test");
            }
        }
        return document;
    }

    private static string Text(JsonObject op, string member) =>
        op[member] is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw new FormatException($"a JSON patch operation needs \"{member}\" (a string)");

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw new FormatException($"JSON patch operation \"{op["op"]}\" needs \"value\"");

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        var (parent, last) = Locate(document, pointer);
        return parent switch
        {
            JsonObject o when o.TryGetPropertyValue(last, out var value) => value,
            JsonArray a => a[Index(a, last, pointer, allowEnd: false)],
            _ => throw Missing(pointer),
        };
    }

    private static void Add(JsonNode document, string pointer, JsonNode? value)
    {
        var (parent, last) = Locate(document, pointer);
        if (parent is JsonObject o) o[last] = value;
        else if (parent is JsonArray a) a.Insert(last == "-" ? a.Count : Index(a, last, pointer, allowEnd: true), value);
        else throw Missing(pointer);
    }

    private static JsonNode? Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Locate(document, pointer);
        if (parent is JsonObject o)
        {
            if (!o.TryGetPropertyValue(last, out var value)) throw Missing(pointer);
            o.Remove(last);
            return value;
        }
        if (parent is JsonArray a)
        {
            var index = Index(a, last, pointer, allowEnd: false);
            var value = a[index];
            a.RemoveAt(index);
            return value;
        }
        throw Missing(pointer);
    }

    /// <summary>The parent of the pointer's target (which must exist) and the target's last reference token.</summary>
    private static (JsonNode? Parent, string Last) Locate(JsonNode root, string pointer)
    {
        if (pointer.Length == 0) throw new PatchNotApplicableException("a JSON patch cannot replace the whole object");
        if (pointer[0] != '/') throw new FormatException($"\"{pointer}\" is not a JSON pointer (it must start with /)");
        var parts = pointer[1..].Split('/').Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToList();
        JsonNode? node = root;
        foreach (var part in parts.Take(parts.Count - 1))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => child,
                JsonArray a => a[Index(a, part, pointer, allowEnd: false)],
                _ => null,
            } ?? throw Missing(pointer);
        }
        return (node, parts[^1]);
    }

    /// <summary>RFC 6901: an array index is decimal digits without leading zeros, within the array (or one past
    /// its end where an add may append).</summary>
    private static int Index(JsonArray array, string token, string pointer, bool allowEnd)
    {
        var valid = token.Length > 0 && token.All(char.IsAsciiDigit) && (token == "0" || token[0] != '0');
        if (!valid || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new PatchNotApplicableException($"{pointer}: \"{token}\" is not an index of an array of {array.Count}");
        if (index > array.Count || (index == array.Count && !allowEnd))
            throw new PatchNotApplicableException($"{pointer}: index {index} is out of range (the array has {array.Count})");
        return index;
    }

    private static PatchNotApplicableException Missing(string pointer) => new($"{pointer}: there is no such path in the object");
}

