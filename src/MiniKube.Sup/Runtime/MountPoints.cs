using System.Text;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// Whether a daemon that is not root can have a mount point where a host container mounts something. In its user
/// namespace it is root only over what it owns: it can mount over a path that exists, and make a missing one only
/// where it may write the nearest directory that exists (never in a root-owned <c>/</c>).
/// </summary>
public static class MountPoints
{
    /// <returns>null when the daemon can mount at <paramref name="destination"/>; else the existing directory it may
    /// not write, where the mount point would have to be made</returns>
    public static string? Blocker(string destination)
    {
        var path = Path.GetFullPath(destination);
        while (!Exists(path))
        {
            var parent = Path.GetDirectoryName(path);
            if (parent is null) return path;
            if (Exists(parent)) return Writable(parent) ? null : parent;
            path = parent;
        }
        return null;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static unsafe bool Writable(string directory)
    {
        var bytes = Encoding.UTF8.GetBytes(directory + "\0");
        fixed (byte* p = bytes) return Native.access(p, Native.W_OK | 1 /* X_OK */) == 0;
    }
}
