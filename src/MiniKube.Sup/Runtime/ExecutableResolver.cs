namespace MiniKube.Sup.Runtime;

/// <summary>Finds a command the way execvp does: a name with a slash is a path (relative to the working
/// directory), anything else is looked up on PATH.</summary>
public static class ExecutableResolver
{
    public static string? Resolve(string command, string path, string workingDirectory)
    {
        if (command.Contains('/'))
        {
            var full = Path.IsPathRooted(command) ? command : Path.GetFullPath(Path.Combine(workingDirectory, command));
            return IsExecutableFile(full) ? full : null;
        }
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(Path.IsPathRooted(dir) ? dir : Path.Combine(workingDirectory, dir), command);
            if (IsExecutableFile(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
