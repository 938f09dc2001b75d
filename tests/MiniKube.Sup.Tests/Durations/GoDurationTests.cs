using MiniKube.Sup.Durations;

namespace MiniKube.Sup.Tests.Durations;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(".5s", 500)]
    [InlineData("250ms", 250)]
    [InlineData("1m0.5s", 60_500)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500µs", 1.5)]
    [InlineData("2000000ns", 2)]
    [InlineData("+2m", 120_000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void Reads_Gos_duration_syntax(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("30")]
    [InlineData("soon")]
    [InlineData("1d")]
    [InlineData("-5s")]
    [InlineData("1..5s")]
    [InlineData("h")]
    [InlineData(".s")]
    [InlineData("5 s")]
    public void Rejects_what_Go_rejects_and_negative_durations(string? text) =>
        Assert.Null(GoDuration.Parse(text));

    [Theory]
    [InlineData("30", 30)]
    [InlineData("2.5", 2.5)]
    [InlineData("2m", 120)]
    public void A_bare_number_is_seconds_where_the_caller_allows_it(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text, bareSeconds: true));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(10_000, "10s")]
    [InlineData(80_000, "1m20s")]
    [InlineData(300_000, "5m0s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Formats_as_Gos_String_does(double milliseconds, string text) =>
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("1h2m3s")]
    [InlineData("1m20s")]
    [InlineData("250ms")]
    public void What_it_formats_it_reads_back(string text) =>
        Assert.Equal(text, GoDuration.Format(GoDuration.Parse(text)!.Value));
}
