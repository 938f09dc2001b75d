namespace MiniKube.Sup.Spec;

/// <summary>
/// Builds field paths the way Kubernetes prints them: <c>spec.containers[0].name</c>; map keys that are not plain
/// identifiers go in brackets: <c>metadata.annotations[sup.minikube.io/runtime]</c>. The source map and the validators
/// both use these helpers, so a path always finds its node.
/// </summary>
internal static class FieldPath
{
    public static string Dot(this string parent, string key)
    {
        if (key.Length > 0 && IsPlain(key))
        {
            return parent.Length == 0 ? key : parent + "." + key;
        }

        return parent + "[" + key + "]";
    }

    public static string At(this string parent, int index) => parent + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>The enclosing path (<c>a.b[0]</c> → <c>a.b</c>, <c>a.b</c> → <c>a</c>, <c>a</c> → ""), or null for the root.</summary>
    public static string? Parent(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        if (path[^1] == ']')
        {
            var open = path.LastIndexOf('[');
            return open <= 0 ? string.Empty : path[..open];
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? string.Empty : path[..dot];
    }

    private static bool IsPlain(string key)
    {
        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '$')
            {
                return false;
            }
        }

        return true;
    }
}
