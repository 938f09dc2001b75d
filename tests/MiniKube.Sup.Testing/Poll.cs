using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;

namespace MiniKube.Sup.Testing;

/// <summary>Waits for something another thread or process does: checks a condition often, and fails with a
/// TimeoutException that names what was awaited. The deadline is generous (a loaded machine is slow); it only bounds
/// how long a failing test takes, a passing one returns as soon as the condition holds.</summary>
public static class Poll
{
    public const double DefaultSeconds = 15;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    /// <summary>Returns once <paramref name="condition"/> holds. Without <paramref name="what"/>, the timeout
    /// message quotes the condition's source text.</summary>
    public static async Task Until(Func<bool> condition, string? what = null, double seconds = DefaultSeconds,
        [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds} s waiting for {what ?? expression}");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Returns the first value <paramref name="probe"/> gives that is not null. A probe that throws is
    /// retried; its last exception becomes the timeout's inner exception.</summary>
    public static async Task<T> For<T>(Func<Task<T?>> probe, string what, double seconds = DefaultSeconds) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                last = e;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds} s waiting for {what}", last);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Advances the fake clock by <paramref name="step"/> at a time until the condition holds, so that the
    /// timers due on the way fire in order and their work runs between steps.</summary>
    public static async Task AdvanceUntil(this FakeTimeProvider time, Func<bool> condition, string what, TimeSpan step,
        double seconds = DefaultSeconds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds} s waiting for {what}");
            time.Advance(step);
            await Task.Delay(Interval);
        }
    }
}
