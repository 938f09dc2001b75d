namespace MiniKube.Sup.Api;

/// <summary>One kind the API serves: how Kubernetes names it in paths and discovery.</summary>
public sealed record ResourceKind(
    string Kind,
    string Plural,
    string Singular,
    string Group,
    string Version,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> Subresources)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ApiVersion => GroupVersion;

    /// <summary>The collection path in the default namespace, e.g. /apis/apps/v1/namespaces/default/deployments.</summary>
    public string CollectionPath(string ns = "default") =>
        (Group.Length == 0 ? "/api/v1" : $"/apis/{Group}/{Version}") + $"/namespaces/{ns}/{Plural}";

    public bool Matches(string name) =>
        name.Equals(Plural, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Singular, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Kind, StringComparison.OrdinalIgnoreCase)
        || ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase);
}
