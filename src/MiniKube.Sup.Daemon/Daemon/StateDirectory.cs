namespace MiniKube.Sup.Cli.Daemon;

internal static class StateDirectory
{
    /// <returns>null when the directory exists (created if needed) and is writable, else what is wrong.</returns>
    public static string? Prepare(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
