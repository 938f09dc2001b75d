using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>Pods from a controller's template: the template hash that names a revision, the pod object with its
/// owner reference, and Kubernetes-style random name suffixes.</summary>
public static class PodTemplates
{
    // k8s.io/apimachinery/pkg/util/rand: no vowels (no words), no 0/1/3 (no look-alikes).
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>k8s controller.ComputeHash: fnv32a of the template (+ collisionCount), safe-encoded. Upstream
    /// hashes Go's printout of the struct; here its canonical JSON, so the values differ but the rules do not:
    /// equal templates give equal hashes, and the hash changes with any change to the template.</summary>
    public static string Hash(V1PodTemplateSpec template, int? collisionCount = null)
    {
        var json = KubernetesJson.Serialize(template);
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(json))
        {
            hash ^= b;
            hash *= 16777619;
        }
        if (collisionCount is { } c)
            foreach (var b in BitConverter.GetBytes(c))
            {
                hash ^= b;
                hash *= 16777619;
            }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>k8s rand.SafeEncodeString: each character mapped into the safe alphabet.</summary>
    public static string SafeEncode(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++) chars[i] = Alphabet[s[i] % Alphabet.Length];
        return new string(chars);
    }

    /// <summary>k8s rand.String(n): the suffix of generated names (<c>web-7d9f8-x2k4q</c>).</summary>
    public static string RandomSuffix(int length = 5)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++) chars[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return new string(chars);
    }

    public static V1OwnerReference OwnerReference(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>A new pod from the template (deep-copied), named <paramref name="name"/>, controlled by
    /// <paramref name="owner"/>, with extra labels (revision hash, ordinal...) on top of the template's.</summary>
    public static V1Pod NewPod(V1PodTemplateSpec template, string name, IKubernetesObject<V1ObjectMeta> owner, IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        var copy = Clone(template);
        var labels = new Dictionary<string, string>(copy.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (k, v) in extraLabels ?? new Dictionary<string, string>()) labels[k] = v;
        return new V1Pod
        {
            ApiVersion = Kinds.Pod.ApiVersion,
            Kind = Kinds.Pod.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = owner.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace,
                Labels = labels,
                Annotations = copy.Metadata?.Annotations,
                OwnerReferences = [OwnerReference(owner)],
            },
            Spec = copy.Spec,
        };
    }

    /// <summary>A deep copy through JSON (models are mutable and shared with the repository's readers).</summary>
    public static T Clone<T>(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
}
