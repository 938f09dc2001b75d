namespace MiniKube.Sup.Metrics;

/// <summary>The series of one labelled family, by label values, safe to update from many threads: what
/// <see cref="CounterFamily"/> and <see cref="HistogramFamily"/> keep.</summary>
public sealed class LabeledSeries<TValue>(IReadOnlyList<string> labelNames, string family)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LabelValues, TValue> _series = [];

    public IReadOnlyList<string> LabelNames => labelNames;

    /// <summary>Sets the series' value from its current one (default when it has none yet), under the lock.</summary>
    public void Update(string[] labelValues, Func<TValue?, TValue> change)
    {
        if (labelValues.Length != labelNames.Count) throw new ArgumentException($"{family} takes {labelNames.Count} label values", nameof(labelValues));
        var key = new LabelValues(labelValues);
        lock (_gate) _series[key] = change(_series.TryGetValue(key, out var current) ? current : default);
    }

    public bool TryGet(string[] labelValues, Func<TValue, TValue> copy, out TValue? value)
    {
        lock (_gate)
        {
            var found = _series.TryGetValue(new LabelValues(labelValues), out var v);
            value = found ? copy(v!) : default;
            return found;
        }
    }

    /// <summary>Removes the series <paramref name="gone"/> picks (those of objects that no longer exist).</summary>
    public int RemoveWhere(Func<LabelValues, bool> gone)
    {
        lock (_gate)
        {
            var keys = _series.Keys.Where(gone).ToList();
            foreach (var k in keys) _series.Remove(k);
            return keys.Count;
        }
    }

    /// <summary>A copy of every series (<paramref name="copy"/> detaches a mutable value), ordered by label values.</summary>
    public IReadOnlyList<(LabelValues Labels, TValue Value)> Snapshot(Func<TValue, TValue> copy)
    {
        List<(LabelValues, TValue)> series;
        lock (_gate) series = _series.Select(s => (s.Key, copy(s.Value))).ToList();
        return series.OrderBy(s => string.Join('\0', s.Item1.Values), StringComparer.Ordinal).ToList();
    }
}
