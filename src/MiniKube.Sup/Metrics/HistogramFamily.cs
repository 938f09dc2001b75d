namespace MiniKube.Sup.Metrics;

/// <summary>A histogram with labels and fixed bucket bounds, kept in memory by the daemon; series of objects that
/// are gone are removed with <see cref="RemoveWhere"/>.</summary>
public sealed class HistogramFamily(string name, string help, IReadOnlyList<double> bounds, params string[] labelNames)
{
    /// <summary>Prometheus' default buckets (client_golang DefBuckets): seconds, from 5 ms to 10 s.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly LabeledSeries<(long[] Counts, double Sum)> _series = new(labelNames, name);

    public string Name => name;

    public void Observe(double value, params string[] labelValues)
    {
        // le is an upper bound, inclusive: a value equal to a bound falls in that bound's bucket.
        var bucket = 0;
        while (bucket < bounds.Count && value > bounds[bucket]) bucket++;
        _series.Update(labelValues, s =>
        {
            var counts = s.Counts ?? new long[bounds.Count + 1];
            counts[bucket]++;
            return (counts, s.Sum + value);
        });
    }

    public HistogramSnapshot? Snapshot(params string[] labelValues) =>
        _series.TryGet(labelValues, Copy, out var s) ? new HistogramSnapshot(bounds, s.Counts, s.Sum) : null;

    public int RemoveWhere(Func<LabelValues, bool> gone) => _series.RemoveWhere(gone);

    public void Write(PrometheusTextWriter writer)
    {
        writer.Family(name, help, MetricType.Histogram);
        foreach (var (labels, s) in _series.Snapshot(Copy))
            writer.Histogram(name, new HistogramSnapshot(bounds, s.Counts, s.Sum), labels.With(labelNames));
    }

    private static (long[] Counts, double Sum) Copy((long[] Counts, double Sum) s) => ([.. s.Counts], s.Sum);
}
