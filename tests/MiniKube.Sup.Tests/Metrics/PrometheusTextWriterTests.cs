using MiniKube.Sup.Metrics;

namespace MiniKube.Sup.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void A_family_starts_with_its_HELP_and_TYPE_once_then_its_samples()
    {
        var w = new PrometheusTextWriter();
        w.Family("sup_things", "Things.", MetricType.Gauge).Sample("sup_things", 1, ("a", "x")).Sample("sup_things", 2.5, ("a", "y"));
        Assert.Equal("# HELP sup_things Things.\n# TYPE sup_things gauge\nsup_things{a=\"x\"} 1\nsup_things{a=\"y\"} 2.5\n", w.ToString());
    }

    [Fact]
    public void A_family_without_samples_is_left_out()
    {
        var w = new PrometheusTextWriter();
        w.Family("sup_empty", "Nothing.", MetricType.Counter);
        w.Family("sup_one", "One.", MetricType.Counter).Sample("sup_one", 1);
        Assert.Equal("# HELP sup_one One.\n# TYPE sup_one counter\nsup_one 1\n", w.ToString());
    }

    [Fact]
    public void A_family_written_twice_is_refused()
    {
        var w = new PrometheusTextWriter();
        w.Family("sup_x", "X.", MetricType.Gauge).Sample("sup_x", 1);
        Assert.Throws<InvalidOperationException>(() => w.Family("sup_x", "X.", MetricType.Gauge));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"quote", "a\\\"quote")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("two\nlines", @"two\nlines")]
    [InlineData("tab\tand é", "tab\tand é")]
    public void Label_values_escape_backslash_quote_and_line_feed(string value, string written) =>
        Assert.Equal(written, PrometheusTextWriter.EscapeLabelValue(value));

    [Fact]
    public void HELP_escapes_backslash_and_line_feed_but_not_quotes()
    {
        var w = new PrometheusTextWriter();
        w.Family("sup_h", "say \"hi\"\\\nbye", MetricType.Gauge).Sample("sup_h", 0);
        Assert.StartsWith("# HELP sup_h say \"hi\"\\\\\\nbye\n", w.ToString());
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1796437753d, "1796437753")]
    [InlineData(-2d, "-2")]
    public void Values_are_written_as_Go_floats(double value, string written) =>
        Assert.Equal(written, PrometheusTextWriter.FormatValue(value));

    [Fact]
    public void A_histogram_has_cumulative_buckets_ending_with_Inf_then_sum_and_count()
    {
        var h = new HistogramFamily("sup_d_seconds", "D.", [0.1, 1], "k");
        h.Observe(0.05, "v");
        h.Observe(0.1, "v"); // le is inclusive
        h.Observe(0.5, "v");
        h.Observe(7, "v");
        var w = new PrometheusTextWriter();
        h.Write(w);
        Assert.Equal("""
            # HELP sup_d_seconds D.
            # TYPE sup_d_seconds histogram
            sup_d_seconds_bucket{k="v",le="0.1"} 2
            sup_d_seconds_bucket{k="v",le="1"} 3
            sup_d_seconds_bucket{k="v",le="+Inf"} 4
            sup_d_seconds_sum{k="v"} 7.65
            sup_d_seconds_count{k="v"} 4

            """.ReplaceLineEndings("\n"), w.ToString());
    }

    [Fact]
    public void Counter_series_are_written_in_label_order_and_can_be_removed()
    {
        var c = new CounterFamily("sup_c_total", "C.", "pod");
        c.Increment("b");
        c.Add(2, "a");
        c.Increment("b");
        var w = new PrometheusTextWriter();
        c.Write(w);
        Assert.EndsWith("sup_c_total{pod=\"a\"} 2\nsup_c_total{pod=\"b\"} 2\n", w.ToString());

        Assert.Equal(1, c.RemoveWhere(l => l[0] == "a"));
        Assert.Equal(0, c.Value("a"));
        Assert.Equal(2, c.Value("b"));
    }

    [Fact]
    public void A_sample_with_the_wrong_number_of_label_values_is_refused() =>
        Assert.Throws<ArgumentException>(() => new CounterFamily("sup_c_total", "C.", "pod", "container").Increment("only-pod"));
}
