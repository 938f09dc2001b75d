using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>One document that deserialized into its model, with the source map its validation errors point into.</summary>
internal sealed record ParsedDocument(KindInfo KindInfo, string Name, IKubernetesObject<V1ObjectMeta> Model, SourceMap Map, SourceLocation Location)
{
    public string Kind => KindInfo.Kind;

    public string ObjectRef => Name.Length == 0 ? Kind : $"{Kind}/{Name}";

    public ManifestError Error(string path, string message)
    {
        var (line, column) = Map.Locate(path);
        return new ManifestError(Map.File, line, column, ObjectRef, path, message);
    }
}
