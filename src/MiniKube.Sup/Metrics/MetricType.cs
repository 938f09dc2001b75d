namespace MiniKube.Sup.Metrics;

/// <summary>The # TYPE of a metric family in the Prometheus text format 0.0.4.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
