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

    /// <summary>-n/--namespace, as kubectl's: the namespace a command reads and writes (default $SUP_NAMESPACE, else
    /// default); a manifest's own metadata.namespace wins.</summary>
    public static readonly Option<string> Namespace = new("--namespace", "-n")
    {
        Description = "The namespace of the objects named (default $SUP_NAMESPACE, else default)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SUP_NAMESPACE") is { Length: > 0 } ns ? ns : "default",
        CustomParser = r =>
        {
            var ns = r.Tokens.Single().Value;
            if (Spec.NameRules.Dns1123Label(ns) is { } problem) r.AddError($"--namespace: invalid namespace \"{ns}\": {problem}");
            return ns;
        },
    };

    /// <summary>-A/--all-namespaces, as kubectl's: lists and watches span every namespace.</summary>
    public static readonly Option<bool> AllNamespaces = new("--all-namespaces", "-A")
    {
        Description = "List the requested objects across all namespaces",
        Recursive = true,
    };

    /// <summary>-R/--recursive, as kubectl's: a directory given to -f is read with its subdirectories.</summary>
    public static Option<bool> Recursive() => new("--recursive", "-R")
    {
        Description = "Read the directories given to -f with their subdirectories",
    };

    public static Option<string[]> Files(string description, bool required) => new("--filename", "-f")
    {
        Description = description,
        Required = required,
        AllowMultipleArgumentsPerToken = true,
    };
}
