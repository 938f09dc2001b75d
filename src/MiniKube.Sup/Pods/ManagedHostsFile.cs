using System.Text;

namespace MiniKube.Sup.Pods;

/// <summary>
/// One pod's /etc/hosts on the host's disk, bind-mounted over /etc/hosts in its containers (k8s: the kubelet's
/// managed hosts file, one file per pod). It is rewritten in place, under a lock: truncated and written again, the
/// same inode, as a file renamed over it would not be seen through the bind mount; and only when its text changes.
/// </summary>
public sealed class ManagedHostsFile(string path)
{
    private static readonly UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly Lock _gate = new();

    public string Path => path;

    /// <summary>Makes the file hold <paramref name="text"/>, creating it readable by all if it is not there.</summary>
    /// <returns>whether the file changed</returns>
    public bool Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_gate)
        {
            var created = !File.Exists(path);
            using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                if (file.Length == bytes.Length && Holds(file, bytes)) return false;
                file.SetLength(0);
                file.Write(bytes);
            }
            if (created) File.SetUnixFileMode(path, Readable);
            return true;
        }
    }

    /// <summary>The file's text, or null when it is not there.</summary>
    public string? Read()
    {
        lock (_gate)
        {
            try { return File.ReadAllText(path); }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
        }
    }

    private static bool Holds(FileStream file, byte[] bytes)
    {
        var current = new byte[file.Length];
        file.Position = 0;
        file.ReadExactly(current);
        file.Position = 0;
        return current.AsSpan().SequenceEqual(bytes);
    }
}
