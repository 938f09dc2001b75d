using System.Globalization;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>Writes to cgroup interface files (cgroup.procs, cgroup.kill) with one write(2) each, as the kernel
/// expects, and says why one failed with its errno (EBUSY, EACCES, ESRCH... each means something else here).</summary>
internal static unsafe class CgroupFile
{
    /// <returns>null, or what went wrong ("Permission denied (EACCES)")</returns>
    public static string? Write(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var name = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = name) fd = Native.open(p, 1 /* O_WRONLY */ | Native.O_CLOEXEC, 0);
        if (fd < 0) return Errno.DescribeLast();
        try
        {
            nint written;
            fixed (byte* b = bytes) written = Native.write(fd, b, bytes.Length);
            return written == bytes.Length ? null : Errno.DescribeLast();
        }
        finally
        {
            Native.close(fd);
        }
    }

    /// <summary>Moves process <paramref name="pid"/> (all its threads) into the cgroup at <paramref name="directory"/>.</summary>
    public static string? AddProcess(string directory, int pid) =>
        Write(Path.Combine(directory, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The pids in one cgroup.procs file; none when the cgroup is gone. A member outside our PID namespace
    /// (sup as PID 1 of one) is listed as 0: it has no pid here, and kill(0) would signal our own process group.</summary>
    public static List<int> ReadPids(string procsFile)
    {
        var result = new List<int>();
        string text;
        try { text = File.ReadAllText(procsFile); }
        catch (IOException) { return result; }
        catch (UnauthorizedAccessException) { return result; }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0) result.Add(pid);
        return result;
    }
}
