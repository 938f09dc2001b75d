using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Which labels an object must carry to be selected (k8s labels.Selector): requirements that must all hold. Built from
/// a workload's <c>spec.selector</c> (matchLabels and matchExpressions, <c>metav1.LabelSelectorAsSelector</c>), a
/// Service's <c>spec.selector</c> map, or a <c>labelSelector</c> query (<see cref="LabelSelectorParser"/>): one matcher
/// for all three.
/// </summary>
public sealed class LabelSelector
{
    private readonly bool _nothing;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool nothing = false)
    {
        Requirements = requirements;
        _nothing = nothing;
    }

    /// <summary>Selects every object (k8s: an empty selector).</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Selects no object (k8s: a nil selector, or one with an operator it does not know).</summary>
    public static LabelSelector Nothing { get; } = new([], nothing: true);

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public static LabelSelector Of(IReadOnlyList<LabelRequirement> requirements) => requirements.Count == 0 ? Everything : new(requirements);

    /// <summary>A workload's selector: matchLabels and matchExpressions ANDed; null selects nothing.</summary>
    public static LabelSelector From(V1LabelSelector? selector)
    {
        if (selector is null) return Nothing;
        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
            requirements.Add(new LabelRequirement(key, LabelOperator.In, Set([value])));
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            LabelOperator? op = expression.OperatorProperty switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => null,
            };
            if (op is null) return Nothing;
            requirements.Add(new LabelRequirement(expression.Key ?? string.Empty, op.Value, Set(expression.Values ?? [])));
        }
        return Of(requirements);
    }

    /// <summary>A Service's selector: every label equal (the caller decides what an empty map means: a Service
    /// without a selector has no endpoints managed for it).</summary>
    public static LabelSelector FromMap(IDictionary<string, string> labels) =>
        Of(labels.Select(kv => new LabelRequirement(kv.Key, LabelOperator.In, Set([kv.Value]))).ToList());

    /// <summary>A labelSelector query; a malformed one throws <see cref="FormatException"/>.</summary>
    public static LabelSelector Parse(string? selector) => LabelSelectorParser.Parse(selector);

    public bool Matches(IDictionary<string, string>? labels)
    {
        if (_nothing) return false;
        foreach (var requirement in Requirements)
            if (!requirement.Matches(labels)) return false;
        return true;
    }

    internal static IReadOnlySet<string> Set(IEnumerable<string> values) => new HashSet<string>(values, StringComparer.Ordinal);
}
