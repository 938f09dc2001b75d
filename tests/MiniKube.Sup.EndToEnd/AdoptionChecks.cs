using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>What the adoption tests (issue 20) compare across a daemon's kill or --keep-running stop: a host
/// container's pid, restart count and start time through the API, and the log of a container that keeps counting.</summary>
internal static class AdoptionChecks
{
    /// <summary>A host pod <c>ticker</c> whose container <c>count</c> counts, 20 lines a second: a gap or a repeat in
    /// its log shows at once.</summary>
    public const string Ticker = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ticker
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: count
              command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done"]
        """;

    /// <summary>A host container as the API shows it: pid 0 (and restart count -1) when it shows none running.</summary>
    public sealed record ContainerState(int Pid, int RestartCount, string StartedAt);

    public static async Task<ContainerState> StatusAsync(string stateDir, string pod, string container)
    {
        var json = await SupAsync(stateDir, "get", "pod", pod, "-o", "json");
        if (json.Length == 0) return new ContainerState(0, -1, "");
        var status = JsonDocument.Parse(json).RootElement.GetProperty("status");
        if (!status.TryGetProperty("containerStatuses", out var statuses)) return new ContainerState(0, -1, "");
        var c = statuses.EnumerateArray().First(s => s.GetProperty("name").GetString() == container);
        var pid = c.TryGetProperty("containerID", out var id) && c.GetProperty("state").TryGetProperty("running", out _)
            ? int.Parse(id.GetString()!["sup://".Length..], CultureInfo.InvariantCulture) : 0;
        var startedAt = pid > 0 ? c.GetProperty("state").GetProperty("running").GetProperty("startedAt").GetString()! : "";
        return new ContainerState(pid, c.GetProperty("restartCount").GetInt32(), startedAt);
    }

    /// <summary>The container's status once the daemon's API answers and shows it running.</summary>
    public static async Task<ContainerState> RunningAsync(string stateDir, string pod, string container, double seconds = 30)
    {
        ContainerState state = new(0, -1, "");
        await Poll.Until(() => (state = StatusAsync(stateDir, pod, container).Result).Pid > 0, $"{pod}/{container} running, through the API", seconds);
        return state;
    }

    /// <summary>Adopted, not restarted: the same process, restart count and start time as before.</summary>
    public static void AssertKept(ContainerState before, ContainerState after, string what)
    {
        Assert.True(before.Pid > 0, $"{what}: no running instance to compare with");
        Assert.True(before == after, $"{what}: was {before}, is {after}");
    }

    public static List<int> Ticks(string log) =>
        Regex.Matches(log, @"^tick (\d+)$", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    public static int LastTick(string log) => Ticks(log).DefaultIfEmpty(0).Last();

    /// <summary>The ticker's log (<see cref="Ticker"/>) holds every tick once, in order, from the first: nothing lost
    /// while no daemon read its output, nothing logged twice.</summary>
    public static async Task AssertTicksContiguousAsync(string stateDir, string pod = "ticker")
    {
        var ticks = Ticks(await SupAsync(stateDir, "logs", pod));
        Assert.True(ticks.Count > 20, $"{ticks.Count} ticks in the log");
        Assert.Equal(1, ticks[0]);
        for (var i = 1; i < ticks.Count; i++)
            Assert.True(ticks[i] == ticks[i - 1] + 1, $"tick {ticks[i - 1]} is followed by tick {ticks[i]} in the log");
    }

    public static Task<string> LogAsync(string stateDir, string pod) => SupAsync(stateDir, "logs", pod);

    private static async Task<string> SupAsync(string stateDir, params string[] args)
    {
        var (code, output, _) = await SupDaemon.Run(Binaries.Sup, [.. args, "--state-dir", stateDir]);
        return code == 0 ? output.Trim() : "";
    }
}
