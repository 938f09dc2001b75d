using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

internal static class CommonOptions
{
    /// <summary>--state-dir: default $SUP_STATE_DIR, else ./.sup in the current directory.</summary>
    public static readonly Option<string> StateDir = new("--state-dir")
    {
        Description = "State directory: database, logs, pod directories, the API socket (default $SUP_STATE_DIR, else ./.sup)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SUP_STATE_DIR") is { Length: > 0 } dir ? dir : ".sup",
    };

    public static Option<string[]> Files(string description, bool required) => new("--filename", "-f")
    {
        Description = description,
        Required = required,
        AllowMultipleArgumentsPerToken = true,
    };
}
