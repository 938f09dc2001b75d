using System.Globalization;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>The cgroup file systems of /proc/self/mountinfo, and where a cgroup path is under one of them.</summary>
internal static class CgroupMounts
{
    /// <summary>One mount: its file system type ("cgroup2", "cgroup"), its super options (a v1 mount's controllers),
    /// the hierarchy's path it shows (its root) and where it is mounted.</summary>
    public readonly record struct Mount(string FsType, string[] SuperOptions, string Root, string MountPoint);

    public static IEnumerable<Mount> Parse(string mountinfo)
    {
        foreach (var line in mountinfo.Split('\n'))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0) continue;
            var after = line[(separator + 3)..].Split(' ');
            var before = line[..separator].Split(' ');
            if (before.Length < 5) continue;
            yield return new Mount(after[0], after.Length > 2 ? after[2].Split(',') : [], Unescape(before[3]), Unescape(before[4]));
        }
    }

    /// <summary>The directory of cgroup <paramref name="path"/> under <paramref name="mount"/>, or null when the mount
    /// does not show it (a mount of a subtree shows the part of the hierarchy under its root only).</summary>
    public static string? DirectoryOf(Mount mount, string path)
    {
        string relative;
        if (mount.Root == "/") relative = path;
        else if (path == mount.Root) relative = "/";
        else if (path.StartsWith(mount.Root + "/", StringComparison.Ordinal)) relative = path[mount.Root.Length..];
        else return null;
        return relative == "/" ? mount.MountPoint : mount.MountPoint.TrimEnd('/') + relative;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo (octal).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
