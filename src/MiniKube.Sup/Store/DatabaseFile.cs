using MiniKube.Sup.FileSystem;

namespace MiniKube.Sup.Store;

/// <summary>
/// The state database's file, made ready before SQLite opens it (by path: SQLite has no way to be given an open
/// file). The database holds Secrets and every object the daemon runs: a new file (and so its -wal and -shm, which
/// SQLite creates with the database file's mode) is owner-only from the start, as is a missing directory. An existing
/// one must be this user's own file, not a symlink, and writable by nobody else — another user could have put objects
/// in it that the daemon would run, as root if it is root; if others may only read it (an older sup made it 0644),
/// it is made owner-only.
/// </summary>
internal static class DatabaseFile
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <exception cref="StateStoreException">the file, its -wal or its -shm cannot be trusted (<see cref="StateStoreFailure.Untrusted"/>).</exception>
    /// <exception cref="IOException">the directory or file cannot be made or examined.</exception>
    public static void Prepare(string path)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir && !Directory.Exists(dir))
            Directories.Create(dir, OwnerOnlyDirectory);
        foreach (var file in (ReadOnlySpan<string>)[path, path + "-wal", path + "-shm"])
        {
            if (TrustedPath.FileProblem(file, FileKind.RegularFile) is { } problem)
                throw new StateStoreException(path, StateStoreFailure.Untrusted, $"Cannot use state database: {problem}.");
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerOnlyFile) != 0) File.SetUnixFileMode(file, OwnerOnlyFile);
        }
        if (File.Exists(path)) return;
        try
        {
            // CreateNew (O_EXCL): never through a symlink, even one that appeared since the check.
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // created meanwhile (by this user: the daemon checked that nobody else may write the state dir): use it
        }
    }
}
