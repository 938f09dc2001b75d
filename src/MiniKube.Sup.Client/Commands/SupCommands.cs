using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

/// <summary>
/// Every command of `sup`, in the order help lists them: the one list both executables build their command line
/// from. The client's commands are made here; the engine's are only named (they need the engine, which only
/// `sup-daemon` holds): `sup` hands them to sup-daemon, and sup-daemon makes them (<see cref="Build"/>).
/// </summary>
internal static class SupCommands
{
    public static readonly EngineCommand Run = new("run", "Run the supervisor daemon in the foreground");
    public static readonly EngineCommand Describe = new("describe", "Show details of an object");
    public static readonly EngineCommand Apply = new("apply", "Apply manifests to the running daemon");
    public static readonly EngineCommand Validate = new("validate", "Check manifests without running anything");

    private static readonly Entry[] All =
    [
        new(Run),
        new(GetCommand.Create),
        new(Describe),
        new(LogsCommand.Create),
        new(ExecCommand.Create),
        new(AttachCommand.Create),
        new(Apply),
        new(DeleteCommand.Create),
        new(CreateCommand.Create),
        new(PortForwardCommand.Create),
        new(ScaleCommand.Create),
        new(RolloutCommand.Create),
        new(WaitCommand.Create),
        new(EventsCommand.Create),
        new(PsCommand.CreatePs),
        new(PsCommand.CreateTop),
        new(DashboardCommand.Create),
        new(Validate),
        new(VersionCommand.Create),
    ];

    /// <summary>The commands that run in sup-daemon.</summary>
    public static IEnumerable<EngineCommand> Engine => All.Select(e => e.Engine).OfType<EngineCommand>();

    public static bool IsEngine(string name) => Engine.Any(e => e.Name == name);

    /// <summary>Every command: the client's, and for each engine command what <paramref name="engine"/> makes of it.</summary>
    public static Command[] Build(Func<EngineCommand, Command> engine) =>
        All.Select(e => e.Engine is { } command ? Named(engine(command), command) : e.Client!()).ToArray();

    private static Command Named(Command made, EngineCommand wanted) => made.Name == wanted.Name
        ? made
        : throw new InvalidOperationException($"the command made for '{wanted.Name}' is named '{made.Name}'");

    /// <summary>One command: made by the client, or run by the engine.</summary>
    private sealed class Entry
    {
        public Entry(EngineCommand engine) => Engine = engine;

        public Entry(Func<Command> client) => Client = client;

        public EngineCommand? Engine { get; }

        public Func<Command>? Client { get; }
    }
}
