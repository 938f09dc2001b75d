using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

/// <summary>The kernel's random bytes that make a spawn gate's Go name one no one else can make first.</summary>
public sealed class RandomHexTests
{
    [Fact]
    public void Random_hex_is_that_many_bytes_of_lowercase_hex_and_new_each_time()
    {
        var names = Enumerable.Range(0, 1000).Select(_ => Native.RandomHex(8)).ToList();
        Assert.All(names, n => Assert.Matches("^[0-9a-f]{16}$", n));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Matches("^[0-9a-f]{600}$", Native.RandomHex(300));
    }
}
