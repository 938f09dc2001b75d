using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Commands;

/// <summary>
/// The objects manifests name (kind, name, namespace), read as kubectl delete -f reads them: not validated, only what
/// identifies each object. Read with YamlDotNet's representation model, not into the models (the client stays small:
/// the full loader roots every model's serializer).
/// </summary>
internal static class ManifestRefs
{
    /// <returns>the objects, in file order; or the problems (file and what), when any</returns>
    public static (List<(KindInfo Kind, string Name, string? Namespace)> Objects, List<string> Problems) Read(string[] paths, bool recursive, TextReader stdin)
    {
        var objects = new List<(KindInfo, string, string?)>();
        var problems = new List<string>();
        var expansionErrors = new List<ManifestError>();
        foreach (var path in ManifestFiles.Expand(paths, recursive, expansionErrors))
        {
            string text;
            try { text = path == ManifestFiles.StdinName ? stdin.ReadToEnd() : File.ReadAllText(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{path}: cannot read: {e.Message}");
                continue;
            }
            var stream = new YamlStream();
            try { stream.Load(new StringReader(text)); }
            catch (YamlException e)
            {
                problems.Add($"{path}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
                continue;
            }
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root) continue; // an empty document
                var kindName = Scalar(root, "kind");
                var meta = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var m) ? m as YamlMappingNode : null;
                var name = meta is null ? null : Scalar(meta, "name");
                var at = $"{path}:{root.Start.Line}:{root.Start.Column}";
                if (kindName is null || Kinds.ByKind(kindName) is not { } kind) { problems.Add($"{at}: kind \"{kindName}\" is not one sup knows"); continue; }
                if (string.IsNullOrEmpty(name)) { problems.Add($"{at}: {kindName} without metadata.name"); continue; }
                objects.Add((kind, name, kind.Namespaced ? Scalar(meta!, "namespace") : null));
            }
        }
        problems.InsertRange(0, expansionErrors.Select(e => $"{e.File}: {e.Message}"));
        return (objects, problems);
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;
}
