namespace MiniKube.Sup.Metrics;

/// <summary>A counter with labels, kept in memory by the daemon. Series of objects that are gone are removed with
/// <see cref="RemoveWhere"/>, so that pod churn does not grow it without bound (a counter that restarts from 0
/// is what Prometheus' rate() expects of a series that reappears).</summary>
public sealed class CounterFamily(string name, string help, params string[] labelNames)
{
    private readonly LabeledSeries<double> _series = new(labelNames, name);

    public string Name => name;

    public void Increment(params string[] labelValues) => Add(1, labelValues);

    public void Add(double amount, params string[] labelValues) => _series.Update(labelValues, v => v + amount);

    public double Value(params string[] labelValues) => _series.TryGet(labelValues, v => v, out var v) ? v : 0;

    public int RemoveWhere(Func<LabelValues, bool> gone) => _series.RemoveWhere(gone);

    public void Write(PrometheusTextWriter writer)
    {
        writer.Family(name, help, MetricType.Counter);
        foreach (var (labels, value) in _series.Snapshot(v => v)) writer.Sample(name, value, labels.With(labelNames));
    }
}
