namespace MiniKube.Sup.FileSystem;

public static class Directories
{
    /// <summary>Creates <paramref name="path"/> and every missing directory above it with <paramref name="mode"/>
    /// (less the umask): Directory.CreateDirectory(path, mode) gives it to the last one only, the others getting
    /// 0777 less the umask. Existing directories keep their modes.</summary>
    public static void Create(string path, UnixFileMode mode)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Directory.Exists(full)) return;
        if (Path.GetDirectoryName(full) is { } parent) Create(parent, mode);
        Directory.CreateDirectory(full, mode);
    }
}
