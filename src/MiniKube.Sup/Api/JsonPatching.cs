using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiniKube.Sup.Api;

/// <summary>
/// The PATCH bodies kubectl sends: JSON merge patch (RFC 7386), strategic merge patch (the same, except that
/// lists of objects are merged by their merge key — name, containerPort, mountPath, ... — and $-directives are
/// honoured for deletion and dropped otherwise), JSON patch (RFC 6902), and server-side apply (the whole object).
/// </summary>
public static class JsonPatching
{
    private static readonly string[] MergeKeys = ["name", "containerPort", "mountPath", "devicePath", "ip", "type", "topologyKey", "port"];

    public static string Apply(string current, string patch, string contentType)
    {
        if (contentType.StartsWith("application/apply-patch", StringComparison.Ordinal)) return patch;
        var target = JsonNode.Parse(current) ?? throw new FormatException("the stored object is empty");
        if (contentType.StartsWith("application/json-patch+json", StringComparison.Ordinal))
            return ApplyJsonPatch(target, JsonNode.Parse(patch) as JsonArray ?? throw new FormatException("a JSON patch is an array")).ToJsonString();
        var strategic = contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal);
        var result = Merge(target, JsonNode.Parse(patch), strategic);
        return result?.ToJsonString() ?? "{}";
    }

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

    private static JsonNode ApplyJsonPatch(JsonNode target, JsonArray operations)
    {
        foreach (var op in operations.OfType<JsonObject>())
        {
            var kind = op["op"]?.GetValue<string>() ?? throw new FormatException("a JSON patch operation needs \"op\"");
            var path = op["path"]?.GetValue<string>() ?? throw new FormatException("a JSON patch operation needs \"path\"");
            var (parent, last) = Locate(target, path);
            switch (kind)
            {
                case "add" or "replace":
                    var value = op["value"]?.DeepClone();
                    if (parent is JsonObject o) o[last] = value;
                    else if (parent is JsonArray a)
                    {
                        if (last == "-") a.Add(value);
                        else if (kind == "add") a.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                        else a[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                    }
                    break;
                case "remove":
                    if (parent is JsonObject ro) ro.Remove(last);
                    else if (parent is JsonArray ra) ra.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "test":
                    break;
                default:
                    throw new FormatException($"JSON patch operation \"{kind}\" is not supported");
            }
        }
        return target;
    }

    private static (JsonNode Parent, string Last) Locate(JsonNode root, string pointer)
    {
        var parts = pointer.Split('/').Skip(1).Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToList();
        if (parts.Count == 0) throw new FormatException("a JSON patch cannot replace the whole object");
        var node = root;
        foreach (var part in parts.Take(parts.Count - 1))
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a => a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)],
                _ => null,
            } ?? throw new FormatException($"path {pointer} does not exist");
        }
        return (node, parts[^1]);
    }
}
