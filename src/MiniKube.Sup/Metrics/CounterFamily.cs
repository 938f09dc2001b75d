namespace MiniKube.Sup.Metrics;

/// <summary>A counter with labels, kept in memory by the daemon. Series of objects that are gone are removed with
/// <see cref="RemoveWhere"/>, so that pod churn does not grow it without bound (a counter that restarts from 0
/// is what Prometheus' rate() expects of a series that reappears).</summary>
public sealed class CounterFamily(string name, string help, params string[] labelNames)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LabelValues, double> _series = [];

    public string Name => name;

    public IReadOnlyList<string> LabelNames => labelNames;

    public void Increment(params string[] labelValues) => Add(1, labelValues);

    public void Add(double amount, params string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length) throw new ArgumentException($"{name} takes {labelNames.Length} label values", nameof(labelValues));
        var key = new LabelValues(labelValues);
        lock (_gate) _series[key] = _series.GetValueOrDefault(key) + amount;
    }

    public double Value(params string[] labelValues)
    {
        lock (_gate) return _series.GetValueOrDefault(new LabelValues(labelValues));
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
        List<KeyValuePair<LabelValues, double>> series;
        lock (_gate) series = [.. _series];
        writer.Family(name, help, MetricType.Counter);
        foreach (var (labels, value) in series.OrderBy(s => string.Join('\0', s.Key.Values), StringComparer.Ordinal))
            writer.Sample(name, value, labels.With(labelNames));
    }
}
