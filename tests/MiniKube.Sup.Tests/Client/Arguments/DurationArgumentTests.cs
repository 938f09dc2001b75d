using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Tests.Client.Arguments;

public class DurationArgumentTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("0s", 0)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("45", 45)]
    [InlineData("5", 5)]
    [InlineData("0", 0)]
    public void Reads_seconds_minutes_hours_and_bare_seconds(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationArgument.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("10d")]
    [InlineData("abc")]
    [InlineData("1m30s")]
    public void Refuses_what_is_not_a_duration(string text) => Assert.Null(DurationArgument.Parse(text));

    [Fact]
    public void The_refusal_says_how_to_write_one() =>
        Assert.Equal("--timeout: cannot read \"soon\" (use e.g. 30s, 2m, 1h)", DurationArgument.Unreadable("--timeout", "soon"));
}
