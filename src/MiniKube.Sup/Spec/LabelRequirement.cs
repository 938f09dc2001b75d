using System.Globalization;

namespace MiniKube.Sup.Spec;

/// <summary>One requirement of a label selector (k8s labels.Requirement). NotIn and DoesNotExist hold for an object
/// without the label; GreaterThan and LessThan only for a label that is an integer.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlySet<string> Values, long Bound = 0)
{
    public bool Matches(IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => Number(value) is { } n && n > Bound,
            LabelOperator.LessThan => Number(value) is { } n && n < Bound,
            _ => false,
        };
    }

    private static long? Number(string? value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
