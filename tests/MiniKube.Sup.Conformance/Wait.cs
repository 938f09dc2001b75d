namespace MiniKube.Sup.Conformance;

internal static class Wait
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value, or throws a TimeoutException naming
    /// what we waited for and the last thing seen.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, string what, double seconds = 15) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        Exception? last = null;
        while (true)
        {
            try
            {
                var value = await probe();
                if (value is not null) return value;
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                last = e;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds} s waiting for {what}", last);
            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<bool> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
