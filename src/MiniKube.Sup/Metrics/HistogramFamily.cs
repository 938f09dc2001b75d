namespace MiniKube.Sup.Metrics;

/// <summary>A histogram with labels and fixed bucket bounds, kept in memory by the daemon; series of objects that
/// are gone are removed with <see cref="RemoveWhere"/>.</summary>
public sealed class HistogramFamily(string name, string help, IReadOnlyList<double> bounds, params string[] labelNames)
{
    /// <summary>Prometheus' default buckets (client_golang DefBuckets): seconds, from 5 ms to 10 s.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly Dictionary<LabelValues, (long[] Counts, double Sum)> _series = [];

    public string Name => name;

    public void Observe(double value, params string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length) throw new ArgumentException($"{name} takes {labelNames.Length} label values", nameof(labelValues));
        var key = new LabelValues(labelValues);
        // le is an upper bound, inclusive: a value equal to a bound falls in that bound's bucket.
        var bucket = 0;
        while (bucket < bounds.Count && value > bounds[bucket]) bucket++;
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var s)) s = (new long[bounds.Count + 1], 0);
            s.Counts[bucket]++;
            _series[key] = (s.Counts, s.Sum + value);
        }
    }

    public HistogramSnapshot? Snapshot(params string[] labelValues)
    {
        lock (_gate)
            return _series.TryGetValue(new LabelValues(labelValues), out var s) ? new HistogramSnapshot(bounds, [.. s.Counts], s.Sum) : null;
    }

    public int RemoveWhere(Func<LabelValues, bool> gone)
    {
        lock (_gate)
        {
            var keys = _series.Keys.Where(gone).ToList();
            foreach (var k in keys) _series.Remove(k);
            return keys.Count;
        }
    }

    public void Write(PrometheusTextWriter writer)
    {
        List<(LabelValues Labels, HistogramSnapshot Snapshot)> series;
        lock (_gate) series = _series.Select(s => (s.Key, new HistogramSnapshot(bounds, [.. s.Value.Counts], s.Value.Sum))).ToList();
        writer.Family(name, help, MetricType.Histogram);
        foreach (var (labels, snapshot) in series.OrderBy(s => string.Join('\0', s.Labels.Values), StringComparer.Ordinal))
            writer.Histogram(name, snapshot, labels.With(labelNames));
    }
}
