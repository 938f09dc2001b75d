namespace MiniKube.Sup.FileSystem;

/// <summary>
/// Joins an untrusted relative path to a root so that the result never leaves it, as github.com/cyphar/filepath-securejoin
/// (what runc and the kubelet use for subPaths) does: each component is looked at in turn; <c>..</c> never climbs
/// above the root; a symlink is expanded in place, its target taken relative to the root when absolute (as if the
/// root were <c>/</c>, a chroot's view). Components that do not exist are taken as they are. The result is only as
/// good as the moment it was computed: whoever can change the tree under the root can change what it means.
/// </summary>
public static class SecureJoin
{
    private const int MaxSymlinks = 255; // securejoin's limit

    /// <summary>The path under <paramref name="root"/> that <paramref name="unsafePath"/> names.</summary>
    /// <exception cref="IOException">too many symlinks, or a component cannot be examined.</exception>
    public static string Join(string root, string unsafePath) => Resolve(root, unsafePath, out _);

    /// <summary>Like <see cref="Join"/>, and says whether resolving had to keep the path in: a symlink to an
    /// absolute target, or a <c>..</c> above the root. Where the kubelet refuses such a path instead (a subPath
    /// must stay within its volume), this is how to know.</summary>
    public static string Resolve(string root, string unsafePath, out bool clamped)
    {
        clamped = false;
        var pending = new LinkedList<string>(Components(unsafePath));
        var current = new List<string>(); // components under root; none of them a symlink
        var links = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var name = node.Value;
            if (name == "..")
            {
                if (current.Count == 0) clamped = true;
                else current.RemoveAt(current.Count - 1);
                continue;
            }
            var next = Path.Join(root, string.Join('/', current), name);
            var status = FileSystemNative.Lstat(next);
            if (status is not { IsSymbolicLink: true })
            {
                current.Add(name);
                continue;
            }
            if (++links > MaxSymlinks) throw new IOException($"{Path.Join(root, unsafePath)}: too many levels of symbolic links");
            var target = new FileInfo(next).LinkTarget ?? "";
            foreach (var part in Components(target).Reverse()) pending.AddFirst(part);
            if (Path.IsPathRooted(target))
            {
                clamped = true;
                current.Clear();
            }
        }
        return current.Count == 0 ? Path.TrimEndingDirectorySeparator(root) : Path.Join(root, string.Join('/', current));
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
