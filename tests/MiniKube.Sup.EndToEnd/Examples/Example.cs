using System.Text.Json;

namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>What the tests of examples/ share: the example's own manifest (never a copy), and the daemon's views of
/// it as JSON.</summary>
internal static class Example
{
    public static string Folder(string name) => Path.GetFullPath(Path.Combine(Binaries.Tests, "..", "examples", name));

    public static string Manifest(string name) => File.ReadAllText(Path.Combine(Folder(name), "supervisor.yaml"));

    public static async Task<JsonElement> Json(SupDaemon d, params string[] args)
    {
        var (code, output, err) = await d.Sup(args);
        Assert.True(code == 0, $"sup {string.Join(' ', args)}: {err}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>The processes of a pod's first container, master first (sup ps -o json).</summary>
    public static async Task<JsonElement[]> Processes(SupDaemon d, string pod)
    {
        var view = await Json(d, "ps", pod, "-o", "json");
        return [.. view.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes").EnumerateArray()];
    }

    /// <summary>The real uid of a process (/proc/PID/status).</summary>
    public static int Uid(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);

    public static bool Running(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].TrimStart().StartsWith('Z');

    /// <summary>The uid of a user of /etc/passwd.</summary>
    public static int UserId(string user) =>
        int.Parse(File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == user)[2]);
}
