using System.Globalization;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>Reads the process table from /proc. Every read tolerates a process vanishing under it.</summary>
public static class ProcFs
{
    public static IReadOnlyList<ProcessInfo> Snapshot()
    {
        var result = new List<ProcessInfo>(256);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir.AsSpan());
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (TryRead(pid, out var info)) result.Add(info);
        }
        return result;
    }

    /// <summary>This process's children (zombies included): the children file of each of its threads (a child
    /// belongs to the thread that forked it, an adopted orphan to the main thread), else, where the kernel lacks
    /// those files, a scan of /proc by parent.</summary>
    public static IReadOnlyList<int> OwnChildren()
    {
        if (!HasChildrenFiles) return ScanForChildren();
        var result = new List<int>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string text;
            try { text = File.ReadAllText(Path.Combine(task, "children")); }
            catch (IOException) { continue; } // the thread ended
            foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) result.Add(pid);
        }
        return result;
    }

    /// <summary>Whether the kernel has /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN).</summary>
    public static bool HasChildrenFiles { get; } = File.Exists($"/proc/self/task/{Environment.ProcessId}/children");

    private static IReadOnlyList<int> ScanForChildren()
    {
        var self = Environment.ProcessId;
        return Snapshot().Where(p => p.Ppid == self).Select(p => p.Pid).ToList();
    }

    public static bool TryRead(int pid, out ProcessInfo info)
    {
        info = default;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        return TryParseStat(text, out info);
    }

    /// <summary>Parses "pid (comm) S ppid pgrp session ..."; comm may hold spaces and parentheses, so the
    /// fields after it are found from the last ')'.</summary>
    public static bool TryParseStat(string text, out ProcessInfo info)
    {
        info = default;
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= text.Length) return false;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture, out var pid)) return false;
        var comm = text.Substring(open + 1, close - open - 1);
        var fields = text.Substring(close + 2).Split(' ');
        // fields[0] = state (field 3), [1] ppid, [2] pgrp, [3] session, [11] utime, [12] stime, [19] starttime, [21] rss
        if (fields.Length < 22) return false;
        info = new ProcessInfo(
            pid,
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            fields[0][0],
            comm,
            ulong.Parse(fields[19], CultureInfo.InvariantCulture),
            ulong.Parse(fields[11], CultureInfo.InvariantCulture) + ulong.Parse(fields[12], CultureInfo.InvariantCulture),
            long.Parse(fields[21], CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>The value of one variable in a process's initial environment, or null.</summary>
    public static string? ReadEnvironmentVariable(int pid, string name)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes($"/proc/{pid}/environ"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var prefix = Encoding.UTF8.GetBytes(name + "=");
        var span = bytes.AsSpan();
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)0);
            var entry = end < 0 ? span : span[..end];
            if (entry.StartsWith(prefix)) return Encoding.UTF8.GetString(entry[prefix.Length..]);
            if (end < 0) break;
            span = span[(end + 1)..];
        }
        return null;
    }

    public static string ReadCommandLine(int pid)
    {
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Replace('\0', ' ');
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
