using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

/// <summary>The command lines of adoption: following what the engine kept of an adopted container from the last line
/// the daemon logged, and knowing the engine commands a killed daemon left following its containers.</summary>
public sealed class EngineAdoptionCommandTests
{
    [Fact]
    public void An_adopted_container_is_followed_from_the_time_of_the_last_logged_line_to_the_tick_in_utc()
    {
        var since = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        Assert.Equal(["logs", "--follow", "--since", "2024-05-01T12:00:00.1234567Z", "sup-d_ns_web_1_app_1"], EngineLogs.Follow("sup-d_ns_web_1_app_1", since));
        Assert.Equal(["logs", "--follow", "c"], EngineLogs.Follow("c", since: null));
    }

    [Theory]
    [InlineData("podman start --attach --sig-proxy=false sup-d1_default_web_abc_app_1", true)]
    [InlineData("podman logs --follow --since 2024-05-01T12:00:00.1234567Z sup-d1_default_web_abc_app_2", true)]
    [InlineData("docker logs --follow sup-d1_default_web_abc_app_1", true)]
    [InlineData("podman wait sup-d1_default_web_abc_app_1", true)]
    [InlineData("podman logs --follow sup-d2_default_web_abc_app_1", false)] // another daemon's
    [InlineData("podman ps --all --filter label=sup.daemon=d1", false)]
    [InlineData("podman rm --force sup-d1_default_web_abc_app_1", false)]
    public void A_follower_is_an_engine_command_that_follows_or_waits_for_a_container_of_this_daemon(string commandLine, bool follower) =>
        Assert.Equal(follower, EngineFollowers.IsFollower(commandLine.Split(' '), "sup-d1_"));
}
