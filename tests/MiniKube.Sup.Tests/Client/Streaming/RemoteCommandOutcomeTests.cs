using System.Text;
using MiniKube.Sup.Client.Streaming;

namespace MiniKube.Sup.Tests.Client.Streaming;

public sealed class RemoteCommandOutcomeTests
{
    [Theory]
    [InlineData("""{"metadata":{},"status":"Success"}""", 0, null)]
    [InlineData("""{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""", 3, "command terminated with exit code 3")]
    [InlineData("""{"metadata":{},"status":"Failure","message":"exec: \"nope\": executable file not found in $PATH","reason":"InternalError"}""", 1, "error: exec: \"nope\": executable file not found in $PATH")]
    [InlineData("""{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x"}]},"message":"odd"}""", 1, "error: odd")]
    [InlineData("not json", 1, "error: the server's outcome could not be read: not json")]
    public void The_exit_code_and_message_are_kubectls(string status, int code, string? message)
    {
        Assert.Equal(new RemoteCommandOutcome(code, message), RemoteCommandOutcome.Parse(Encoding.UTF8.GetBytes(status)));
    }
}
