namespace MiniKube.Sup.Metrics;

/// <summary>One histogram series at one moment: per-bucket counts (not cumulative; the last is above every
/// bound) and the sum of the observations.</summary>
public sealed record HistogramSnapshot(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum);
