using Microsoft.Extensions.Time.Testing;

namespace MiniKube.Sup.Testing;

/// <summary>The fake clock tests start from: one fixed instant, so that timestamps in assertions are predictable.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);
}
