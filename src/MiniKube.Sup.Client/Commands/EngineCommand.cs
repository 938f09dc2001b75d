using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

/// <summary>A command that needs the engine: `sup-daemon` runs it, `sup` hands it over (see <see cref="SupCommands"/>).</summary>
internal sealed record EngineCommand(string Name, string Description)
{
    /// <summary>The command, without options yet: sup-daemon adds them.</summary>
    public Command Create() => new(Name, Description);

    /// <summary>What `sup --help` lists for it; `sup NAME --help` runs in sup-daemon and shows its options.</summary>
    public Command StandIn() => new(Name, $"{Description} (sup {Name} --help)");
}
