using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

/// <summary>How the engine's commands are run: the short ones take turns, the ones that follow a container do not.</summary>
public sealed class EngineCommandTests
{
    [Fact]
    public async Task Short_engine_commands_take_turns_so_no_more_than_the_turns_run_at_once()
    {
        var log = Path.GetTempFileName();
        try
        {
            var engine = new EngineCommand("sh", turns: 2);
            var commands = Enumerable.Range(0, 6)
                .Select(_ => engine.RunAsync(["-c", $"echo start >> '{log}'; sleep 0.5; echo end >> '{log}'"]))
                .ToArray();
            var results = await Task.WhenAll(commands).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
            var running = 0;
            var most = 0;
            foreach (var line in File.ReadAllLines(log))
            {
                running += line == "start" ? 1 : -1;
                most = Math.Max(most, running);
            }
            Assert.Equal(12, File.ReadAllLines(log).Length);
            Assert.True(most <= 2, $"{most} short commands ran at once with 2 turns");
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task A_command_that_follows_a_container_takes_no_turn_from_the_short_ones()
    {
        var engine = new EngineCommand("sleep", turns: 1);
        using var cancel = new CancellationTokenSource();
        var waiting = engine.RunLongAsync(["30"], cancel.Token); // `podman wait` on a container that runs on

        var shortOne = await engine.RunAsync(["0"]).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(shortOne.Succeeded);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
