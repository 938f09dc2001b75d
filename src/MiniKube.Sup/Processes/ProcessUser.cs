namespace MiniKube.Sup.Processes;

/// <summary>Who a process runs as, by name (as ps's USER column): its real uid from /proc/PID/status, named from
/// /etc/passwd. What sup ps shows of a prefork server: a root master and its workers as the server's user.</summary>
public static class ProcessUser
{
    /// <returns>the user's name, the uid when /etc/passwd has no name for it, "" when the process is gone.</returns>
    public static string Name(int pid)
    {
        string? uid = null;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                uid = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                break;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (uid is null) return "";
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == uid) return fields[0];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return uid;
    }
}
