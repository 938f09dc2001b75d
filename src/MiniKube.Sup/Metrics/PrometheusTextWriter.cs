using System.Globalization;
using System.Text;

namespace MiniKube.Sup.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): each family once, as "# HELP", "# TYPE", then
/// its samples; label values escape backslash, double quote and line feed, HELP text backslash and line feed;
/// values are Go-style floats (+Inf, -Inf, NaN). A family with no samples is left out entirely, as client_golang
/// does, so that a scrape never shows a TYPE without a series.
/// </summary>
public sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    private (string Name, string Help, MetricType Type)? _pending;

    /// <summary>Starts a family: its HELP and TYPE lines are written with its first sample.</summary>
    public PrometheusTextWriter Family(string name, string help, MetricType type)
    {
        if (!_families.Add(name)) throw new InvalidOperationException($"metric family {name} written twice: a scrape must hold each family once");
        _pending = (name, help, type);
        return this;
    }

    /// <summary>One sample of the current family (a histogram's _bucket, _sum and _count are samples of its family).</summary>
    public PrometheusTextWriter Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_pending is { } family)
        {
            _text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            _text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            _pending = null;
        }
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(FormatValue(value)).Append('\n');
        return this;
    }

    /// <summary>The buckets (cumulative, ending with le="+Inf"), _sum and _count of one histogram series.</summary>
    public PrometheusTextWriter Histogram(string name, HistogramSnapshot histogram, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var withLe = new (string Name, string Value)[labels.Length + 1];
        labels.CopyTo(withLe);
        long cumulative = 0;
        for (var i = 0; i <= histogram.Bounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            withLe[^1] = ("le", i < histogram.Bounds.Count ? FormatValue(histogram.Bounds[i]) : "+Inf");
            Sample(name + "_bucket", cumulative, withLe);
        }
        Sample(name + "_sum", histogram.Sum, labels);
        Sample(name + "_count", cumulative, labels);
        return this;
    }

    public override string ToString() => _text.ToString();

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    public static string EscapeHelp(string help) =>
        help.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>As Go's strconv.FormatFloat(v, 'g', -1, 64) reads back: the shortest round-trip form.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };
}
