using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>labelSelector and fieldSelector query parameters, as the API server reads them: comma-separated
/// requirements that must all hold (labels: <see cref="LabelSelector"/>; fields: =, ==, !=). A malformed selector
/// throws <see cref="FormatException"/> (the API answers 400).</summary>
public sealed class Selectors
{
    private LabelSelector _labels = LabelSelector.Everything;
    private readonly List<(string Field, string Value, bool Equal)> _fields = [];

    public static Selectors Parse(string? labelSelector, string? fieldSelector)
    {
        var s = new Selectors();
        s._labels = LabelSelector.Parse(labelSelector);
        foreach (var term in SplitTerms(fieldSelector))
        {
            var neq = term.IndexOf("!=", StringComparison.Ordinal);
            if (neq > 0) { s._fields.Add((term[..neq].Trim(), term[(neq + 2)..].Trim(), false)); continue; }
            var eq = term.IndexOf('=');
            if (eq <= 0) throw new FormatException($"invalid field selector \"{term}\"");
            var value = term[(eq + 1)..].TrimStart('=').Trim();
            s._fields.Add((term[..eq].Trim(), value, true));
        }
        return s;
    }

    public bool Matches(k8s.IKubernetesObject<V1ObjectMeta> obj, Func<string, string?> field)
    {
        if (!_labels.Matches(obj.Metadata.Labels)) return false;
        foreach (var (name, value, equal) in _fields)
            if ((field(name) == value) != equal) return false;
        return true;
    }

    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) yield break;
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                if (i > start) yield return selector[start..i].Trim();
                start = i + 1;
            }
        }
        if (start < selector.Length) yield return selector[start..].Trim();
    }
}
