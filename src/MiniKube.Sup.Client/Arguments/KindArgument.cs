using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Arguments;

/// <summary>kubectl's ways of naming what to act on: `pods`, `po/web`, `pod web`, `deploy/a deploy/b`.</summary>
internal static class KindArgument
{
    /// <returns>the kind and the names (none = all), or an error message.</returns>
    public static (KindInfo? Kind, List<string> Names, string? Error) Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return (null, [], "you must specify the type of resource (e.g. pods)");
        var first = args[0];
        var slash = first.IndexOf('/');
        var kindName = slash >= 0 ? first[..slash] : first;
        var kind = Kinds.ByName(kindName);
        if (kind is null) return (null, [], $"the server doesn't have a resource type \"{kindName}\"");
        var names = new List<string>();
        if (slash >= 0) names.Add(first[(slash + 1)..]);
        foreach (var a in args.Skip(1))
        {
            var s = a.IndexOf('/');
            if (s >= 0)
            {
                if (Kinds.ByName(a[..s]) != kind) return (null, [], $"mixed kinds are not supported: {a}");
                names.Add(a[(s + 1)..]);
            }
            else names.Add(a);
        }
        return (kind, names, null);
    }

    /// <param name="ns">the namespace; null: a list across all namespaces</param>
    public static string Path(KindInfo kind, string? name, string? query, string? ns) =>
        (ns is null ? kind.ClusterWidePath() : kind.CollectionPath(ns)) + (name is null ? "" : "/" + Uri.EscapeDataString(name)) + (query is null ? "" : "?" + query);
}
