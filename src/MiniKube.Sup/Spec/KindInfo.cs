using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>One kind sup knows: how Kubernetes names it (apiVersion, the plural of its paths, kubectl's singular and
/// short names), what the API lets clients do with it, where it may come from, and its official model type with a
/// trim-safe (de)serializer. <see cref="Kinds"/> lists them all.
/// <para>The deserializers are virtual methods of <see cref="Model{T}"/>, not delegates: NativeAOT compiles an
/// override only where its slot is called, so the `sup` client, which names kinds but never reads a model through
/// them, does not carry every model's serializer (as delegates it grew from 8 MB to 20 MB).</para></summary>
public abstract record KindInfo(
    string Kind,
    string Group,
    string Plural,
    IReadOnlyList<string> ShortNames,
    Type ModelType)
{
    /// <summary>The object a manifest's JSON describes, as its official model.</summary>
    public abstract IKubernetesObject<V1ObjectMeta> FromNode(JsonNode node);

    /// <summary>The object stored as <paramref name="json"/>, as its official model.</summary>
    public abstract IKubernetesObject<V1ObjectMeta> FromJson(string json);

    public string Version { get; init; } = "v1";

    public string Singular => Kind.ToLowerInvariant();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>What API clients may do (empty: the API does not serve the kind).</summary>
    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<string> Subresources { get; init; } = [];

    /// <summary>Whether a manifest (sup's own files, `sup apply`) may declare it; the others are written by
    /// controllers or by sup itself.</summary>
    public bool FromManifests { get; init; }

    /// <summary>Whether its desired state is a <c>spec</c> (k8s keeps metadata.generation for those).</summary>
    public bool HasSpec { get; init; } = true;

    /// <summary>Whether its objects live in a namespace (false: cluster-scoped, e.g. StorageClass; such an object is
    /// served at a path without a namespace and has none in its metadata).</summary>
    public bool Namespaced { get; init; } = true;

    /// <summary>Whether it means nothing on one host (a ServiceAccount, a PodDisruptionBudget...): stored and served
    /// as Kubernetes serves it, acted on by nothing, and said so once when a manifest declares it.</summary>
    public bool Inert { get; init; }

    /// <summary>Whether `kubectl get all` lists it (discovery's "all" category).</summary>
    public bool InCategoryAll { get; init; }

    public bool Served => Verbs.Count > 0;

    /// <summary>The collection path in a namespace, e.g. /apis/apps/v1/namespaces/default/deployments (a
    /// cluster-scoped kind's has no namespace: /apis/storage.k8s.io/v1/storageclasses).</summary>
    public string CollectionPath(string ns = "default") =>
        (Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}") + (Namespaced ? $"/namespaces/{ns}/{Plural}" : $"/{Plural}");

    /// <summary>The collection path across all namespaces, e.g. /apis/apps/v1/deployments.</summary>
    public string ClusterWidePath() => (Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}") + $"/{Plural}";

    /// <summary>Whether a user's name for a kind means this one (`po`, `pod`, `pods`, `Pod`, as kubectl resolves).</summary>
    public bool Matches(string name) =>
        name.Equals(Plural, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Singular, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Kind, StringComparison.OrdinalIgnoreCase)
        || ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The kind of model <typeparamref name="T"/> (its (de)serializers picked at compile time: trim-safe).</summary>
    internal static KindInfo Of<T>(string kind, string group, string plural, params string[] shortNames)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new Model<T>(kind, group, plural, shortNames);

    private sealed record Model<T>(string Kind, string Group, string Plural, IReadOnlyList<string> ShortNames)
        : KindInfo(Kind, Group, Plural, ShortNames, typeof(T))
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public override IKubernetesObject<V1ObjectMeta> FromNode(JsonNode node) => KubernetesJson.Deserialize<T>(node);

        public override IKubernetesObject<V1ObjectMeta> FromJson(string json) => KubernetesJson.Deserialize<T>(json);
    }
}
