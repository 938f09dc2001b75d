using MiniKube.Sup.FileSystem;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// The daemon's state dir, made ready before anything in it is opened. Everything there is trusted (sup.db holds
/// objects the daemon runs, as root if it is root, and Secrets; the socket takes every command), so a state dir,
/// database or socket that another user prepared or could change is refused (see <see cref="TrustedPath"/>), as
/// kubelet keeps /var/lib/kubelet root's. The dir itself is 0700: nobody else reads the database, logs or volumes,
/// and a pod reaches its own volumes through their mounts.
/// </summary>
internal static class StateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>What sup opens in the state dir by name.</summary>
    private static readonly (string Name, FileKind Kind)[] Files =
    [
        ("sup.db", FileKind.RegularFile), ("sup.db-wal", FileKind.RegularFile), ("sup.db-shm", FileKind.RegularFile),
        ("sup.sock", FileKind.Socket), ("token", FileKind.RegularFile), ("ca.crt", FileKind.RegularFile), ("kubeconfig", FileKind.RegularFile),
    ];

    /// <returns>null when the directory exists (created if needed, 0700), is this user's and trustworthy, and is
    /// writable; else what is wrong.</returns>
    public static string? Prepare(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (TrustedPath.DirectoryProblem(full) is { } before) return before;
            Directory.CreateDirectory(full, OwnerOnly);
            // Again, now that it exists: it may have been made meanwhile, by someone else.
            if (TrustedPath.DirectoryProblem(full) is { } after) return after;
            // A state dir an older sup made 0755 is ours: it becomes owner-only.
            if ((File.GetUnixFileMode(full) & ~OwnerOnly) != 0) File.SetUnixFileMode(full, OwnerOnly);
            foreach (var (name, kind) in Files)
                if (TrustedPath.FileProblem(Path.Combine(full, name), kind) is { } problem) return problem;
            var probe = Path.Combine(full, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
