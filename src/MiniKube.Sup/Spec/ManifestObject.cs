using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>A loaded, defaulted and validated Kubernetes object, with where its document starts.</summary>
/// <param name="Kind">The manifest kind, e.g. <c>Deployment</c>.</param>
/// <param name="Name">metadata.name.</param>
/// <param name="Model">The official model instance (<see cref="V1Pod"/>, <see cref="V1Deployment"/>, …).</param>
/// <param name="Location">Where the object's document starts.</param>
public sealed record ManifestObject(string Kind, string Name, IKubernetesObject<V1ObjectMeta> Model, SourceLocation Location)
{
    /// <summary><c>Kind/name</c>, as kubectl prints it.</summary>
    public string Ref => $"{Kind}/{Name}";
}
