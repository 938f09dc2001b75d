using System.Text;

namespace MiniKube.Sup.Volumes;

/// <summary>The mount points of this process's mount namespace, from /proc/self/mountinfo.</summary>
public static class MountTable
{
    /// <summary>Mount points equal to <paramref name="directory"/> or below it, deepest first.</summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        var root = directory.TrimEnd('/');
        var result = new List<string>();
        string[] lines;
        try { lines = File.ReadAllLines("/proc/self/mountinfo"); }
        catch (IOException) { return result; }
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length < 5) continue;
            var point = Unescape(fields[4]);
            if (point == root || point.StartsWith(root + "/", StringComparison.Ordinal)) result.Add(point);
        }
        return result.OrderByDescending(p => p.Length).ToList();
    }

    public static bool IsMountPoint(string directory) => Under(directory).Contains(directory.TrimEnd('/'));

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
