using k8s;
using k8s.Models;

namespace MiniKube.Sup.Api;

/// <summary>A change to an object, as a Kubernetes watch reports it.</summary>
public sealed record WatchEvent(long ResourceVersion, string Type, string Kind, IKubernetesObject<V1ObjectMeta> Object, string Json)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}
