using System.CommandLine;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

public class SupCommandsTests
{
    [Fact]
    public void The_engine_runs_run_validate_apply_and_describe_and_nothing_else()
    {
        Assert.Equal(["run", "describe", "apply", "validate"], SupCommands.Engine.Select(c => c.Name));
        Assert.True(SupCommands.IsEngine("apply"));
        Assert.False(SupCommands.IsEngine("get"));
    }

    [Fact]
    public void Both_executables_list_every_command_once_in_the_same_order()
    {
        var client = SupCommands.Build(e => e.StandIn()).Select(c => c.Name).ToList();
        var daemon = SupCommands.Build(e => e.Create()).Select(c => c.Name).ToList();

        Assert.Equal(client, daemon);
        Assert.Equal(client.Distinct(), client);
        Assert.Equal(["run", "get", "describe", "logs", "exec", "attach", "apply", "delete", "create", "port-forward", "scale", "rollout", "wait", "events", "ps", "top", "dashboard", "validate", "version"], client);
    }

    [Fact]
    public void The_stand_in_of_an_engine_command_points_to_its_own_help()
    {
        var standIn = SupCommands.Build(e => e.StandIn()).Single(c => c.Name == "run");

        Assert.Equal("Run the supervisor daemon in the foreground (sup run --help)", standIn.Description);
    }

    [Fact]
    public void An_engine_command_made_under_another_name_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => SupCommands.Build(e => new Command(e.Name + "x")));
}
