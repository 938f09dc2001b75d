namespace MiniKube.Sup.Metrics;

/// <summary>The label values of one series, compared by value (a dictionary key).</summary>
public sealed class LabelValues(IReadOnlyList<string> values) : IEquatable<LabelValues>
{
    public IReadOnlyList<string> Values { get; } = values;

    public string this[int index] => Values[index];

    public bool Equals(LabelValues? other) => other is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LabelValues);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in Values) hash.Add(v, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>The (name, value) pairs a sample is written with.</summary>
    public (string Name, string Value)[] With(IReadOnlyList<string> names) => names.Select((n, i) => (n, Values[i])).ToArray();
}
