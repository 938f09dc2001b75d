using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ErrnoTests
{
    [Theory]
    [InlineData(24, "Too many open files (EMFILE)")]
    [InlineData(23, "Too many open files in system (ENFILE)")]
    [InlineData(13, "Permission denied (EACCES)")]
    [InlineData(1, "Operation not permitted (EPERM)")]
    public void An_errno_is_described_by_its_message_and_its_name(int errno, string expected) =>
        Assert.Equal(expected, Errno.Describe(errno));

    [Fact]
    public void An_errno_without_a_known_name_shows_its_number() =>
        Assert.EndsWith("(errno 133)", Errno.Describe(133));
}
