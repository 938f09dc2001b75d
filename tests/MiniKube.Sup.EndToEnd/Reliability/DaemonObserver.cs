using System.Text.Json;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>What the reliability tests watch from outside a running daemon: its container processes (by their
/// SUP_OWNER mark), its open fds, its memory, its zombie children, and the pods' status through `sup get`.</summary>
internal sealed class DaemonObserver(SupDaemon daemon)
{
    private readonly string _prefix = new StatePaths(daemon.StateDir).DaemonId + "/";

    public int Pid => daemon.Process.Pid;

    /// <summary>Live processes carrying this daemon's mark, by owner token (daemon/pod/uid/container/instance).</summary>
    public IReadOnlyList<(ProcessInfo Process, string Owner)> ContainerProcesses()
    {
        var result = new List<(ProcessInfo, string)>();
        foreach (var p in ProcFs.Snapshot())
        {
            if (p.IsZombie || p.Pid == Pid) continue;
            if (ProcFs.ReadEnvironmentVariable(p.Pid, MiniKube.Sup.Processes.ContainerProcesses.OwnerVariable) is { } owner
                && owner.StartsWith(_prefix, StringComparison.Ordinal))
            {
                result.Add((p, owner));
            }
        }
        return result;
    }

    /// <summary>The pod a token names: daemon/POD/uid/container/instance.</summary>
    public static string PodOf(string owner) => owner.Split('/')[1];

    /// <summary>The main process of each pod (its only container), when it runs: the leader of the session the daemon
    /// spawned it into (its child, or one adopted from an earlier daemon).</summary>
    public Dictionary<string, ProcessInfo> MainProcesses() =>
        ContainerProcesses().Where(c => c.Process.Pid == c.Process.Sid).GroupBy(c => PodOf(c.Owner)).ToDictionary(g => g.Key, g => g.First().Process);

    /// <summary>The main pid of every running container as the daemon reports it (containerID sup://PID), by pod.</summary>
    public async Task<Dictionary<string, int>> ReportedPidsAsync()
    {
        var (code, output, err) = await daemon.Sup("get", "pods", "-o", "json");
        Assert.True(code == 0, $"sup get pods failed ({code}): {err}");
        var result = new Dictionary<string, int>();
        foreach (var item in JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray())
        {
            if (!item.GetProperty("status").TryGetProperty("containerStatuses", out var cs)) continue;
            foreach (var c in cs.EnumerateArray())
                if (c.TryGetProperty("containerID", out var id) && id.GetString() is { } text && text.StartsWith("sup://", StringComparison.Ordinal)
                    && c.GetProperty("state").TryGetProperty("running", out _))
                    result[item.GetProperty("metadata").GetProperty("name").GetString()!] = int.Parse(text["sup://".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }

    public int OpenFds() => Directory.GetFiles($"/proc/{Pid}/fd").Length;

    public long RssKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }

    /// <summary>Children of the daemon that died and were not reaped.</summary>
    public IReadOnlyList<ProcessInfo> Zombies() => ProcFs.Snapshot().Where(p => p.Ppid == Pid && p.IsZombie).ToList();

    /// <summary>pod name -> (phase, restartCount of its first container) from `sup get pods -o json`.</summary>
    public async Task<Dictionary<string, (string Phase, int Restarts)>> PodStatusesAsync()
    {
        var (code, output, err) = await daemon.Sup("get", "pods", "-o", "json");
        Assert.True(code == 0, $"sup get pods failed ({code}): {err}");
        var result = new Dictionary<string, (string, int)>();
        foreach (var item in JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray())
        {
            var status = item.GetProperty("status");
            var restarts = status.TryGetProperty("containerStatuses", out var cs) && cs.GetArrayLength() > 0
                ? cs[0].GetProperty("restartCount").GetInt32() : 0;
            result[item.GetProperty("metadata").GetProperty("name").GetString()!] =
                (status.TryGetProperty("phase", out var phase) ? phase.GetString()! : "", restarts);
        }
        return result;
    }

    /// <summary>Waits until every one of <paramref name="pods"/> has a running main process.</summary>
    public Task AllRunningAsync(IReadOnlyCollection<string> pods, double seconds = 60) =>
        Poll.Until(() => MainProcesses().Keys.Count(pods.Contains) == pods.Count, $"{pods.Count} pods running", seconds);
}
