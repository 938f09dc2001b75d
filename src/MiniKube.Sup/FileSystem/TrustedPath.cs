namespace MiniKube.Sup.FileSystem;

/// <summary>
/// Whether the daemon may trust a state dir and the files in it. Everything there is trusted: sup.db holds
/// objects the daemon runs (as itself, often root) and Secrets; the socket takes every command. So, as kubelet keeps
/// /var/lib/kubelet root-owned, sshd's StrictModes checks ~/.ssh and git refuses a repository someone else owns:
/// <list type="bullet">
/// <item>the state dir is this user's and nobody else may write it;</item>
/// <item>every directory on the way to it can be changed only by this user or root (a sticky directory such as /tmp
/// is fine: there nobody may rename or remove what is not theirs), and every symlink on the way is this user's or
/// root's, so that nobody can swap the state dir for their own once it has been checked;</item>
/// <item>the files sup opens there are this user's, not symlinks, and writable by nobody else.</item>
/// </list>
/// Each check returns null when all is well, else one sentence that names the path and says what to do.
/// </summary>
public static class TrustedPath
{
    private const int MaxSymlinks = 40; // Linux's MAXSYMLINKS

    /// <summary>The user the daemon (or client) runs as.</summary>
    public static uint EffectiveUid { get; } = FileSystemNative.geteuid();

    private static uint EffectiveGid { get; } = FileSystemNative.getegid();

    /// <summary>Checks a state dir that may not exist yet: what exists of it must be trustworthy (what does not
    /// will be created by this user).</summary>
    /// <exception cref="IOException">a directory on the way cannot be examined.</exception>
    public static string? DirectoryProblem(string path)
    {
        var full = Path.GetFullPath(path);
        var pending = new LinkedList<string>(Components(full));
        var current = "/";
        if (AncestorProblem(current, Lstat(current)!.Value, Path.Join(current, pending.First?.Value)) is { } rootProblem) return rootProblem;
        var links = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var name = node.Value;
            if (name == "..")
            {
                // current holds no symlink (each was resolved on the way), so its parent is its lexical parent.
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var next = Path.Join(current, name);
            if (Lstat(next) is not { } status) return null; // the rest does not exist yet: sup creates it as its own
            if (status.IsSymbolicLink)
            {
                if (!IsRootOrUs(status.Uid))
                    return $"{next} is a symbolic link owned by {Owner.Describe(status.Uid)}: sup follows only links of yours or root's";
                if (++links > MaxSymlinks) return $"{full}: too many levels of symbolic links";
                var target = new FileInfo(next).LinkTarget ?? "";
                foreach (var part in Components(target).Reverse()) pending.AddFirst(part);
                if (Path.IsPathRooted(target)) current = "/";
                continue;
            }
            if (!status.IsDirectory) return $"{next} is not a directory";
            var child = pending.First is { } following ? Path.Join(next, following.Value) : null;
            if (child is not null && AncestorProblem(next, status, child) is { } problem) return problem;
            current = next;
        }
        return OwnDirectoryProblem(current, Lstat(current)!.Value);
    }

    /// <summary>Checks a file sup opens in the state dir; a missing one is fine (sup creates it, as its own).</summary>
    /// <exception cref="IOException">it cannot be examined.</exception>
    public static string? FileProblem(string path, FileKind kind)
    {
        if (Lstat(path) is not { } status) return null;
        if (status.IsSymbolicLink) return $"{path} is a symbolic link: sup opens only the file itself; remove the link";
        if (!status.Is(kind)) return $"{path} is not a {(kind == FileKind.Socket ? "socket" : "regular file")}";
        if (status.Uid != EffectiveUid)
            return $"{path} is owned by {Owner.Describe(status.Uid)}, not by you (uid {EffectiveUid}): move it aside, sup makes a new one";
        if (status.WritableByGroup || status.WritableByOthers)
            return $"{path} is writable by {(status.WritableByOthers ? "others" : "group")} (mode {status.OctalPermissions}): chmod 600 it, or move it aside";
        return null;
    }

    private static string? OwnDirectoryProblem(string path, PathStatus status)
    {
        if (status.Uid != EffectiveUid)
            return $"{path} is owned by {Owner.Describe(status.Uid)}, not by you (uid {EffectiveUid}): that user could have written objects into it that sup would run as you; use a state dir of your own";
        if (status.WritableByGroup || status.WritableByOthers)
            return $"{path} is writable by {(status.WritableByOthers ? "others" : "group")} (mode {status.OctalPermissions}): chmod 700 it, or use another state dir";
        return null;
    }

    /// <param name="child">the next path on the way, which whoever may change this directory could replace.</param>
    private static string? AncestorProblem(string path, PathStatus status, string child)
    {
        if (!IsRootOrUs(status.Uid))
            return $"{path} is owned by {Owner.Describe(status.Uid)}, not by you or root: that user could put a state dir of their own in place of {child}";
        if (status.IsSticky) return null;
        if (status.WritableByOthers)
            return $"{path} is writable by others (mode {status.OctalPermissions}): anyone could put a state dir of their own in place of {child}";
        // A group of root's or of this user's own primary group (a user-private group, as sshd allows) is not someone else.
        if (status.WritableByGroup && status.Gid != 0 && status.Gid != EffectiveGid)
            return $"{path} is writable by group {status.Gid} (mode {status.OctalPermissions}): its members could put a state dir of their own in place of {child}";
        return null;
    }

    private static bool IsRootOrUs(uint uid) => uid == 0 || uid == EffectiveUid;

    private static PathStatus? Lstat(string path) => FileSystemNative.Lstat(path);

    private static IEnumerable<string> Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
