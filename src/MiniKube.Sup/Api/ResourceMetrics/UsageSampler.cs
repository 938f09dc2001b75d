using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>
/// The usage of each running container, the one source of both <c>kubectl top pod</c> (metrics.k8s.io) and
/// <c>sup top --pods</c>: CPU is the CPU time used between an earlier sample and now, divided by the time between —
/// the cgroup's counter where the container has a cgroup of its own, else its processes' (per process, by pid and
/// start time, so that a process that exited or a reused pid does not skew the sum); memory is the cgroup's working
/// set, else the resident set of its processes now. A sample is kept for up to <see cref="Window"/>, and
/// a new one is taken only if the last is older than <see cref="MinInterval"/>, so that two clients asking at
/// nearly the same time are answered from the same samples. A container seen for the first time reports each
/// process's lifetime average (as <c>ps</c> does), so the first request answers at once, without sleeping.
/// </summary>
public sealed class UsageSampler(TimeProvider time, long? ticksPerSecond = null, Func<double?>? readUptime = null, long? pageSize = null)
{
    /// <summary>metrics-server's default resolution.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    private readonly long _ticksPerSecond = ticksPerSecond ?? CpuSampler.ClockTicksPerSecond;
    private readonly Func<double?> _readUptime = readUptime ?? CpuSampler.ReadUptime;
    private readonly long _pageSize = pageSize ?? Environment.SystemPageSize;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string, string), List<Sample>> _history = [];

    private sealed record Sample(TimeSpan At, DateTimeOffset Wall, IReadOnlyDictionary<int, ProcessCpuTime> Processes, long? CgroupCpuNanoseconds, long MemoryBytes);

    /// <param name="containers">each running container as read now</param>
    public IReadOnlyList<ContainerUsage> Measure(IReadOnlyList<ContainerReading> containers)
    {
        var at = time.GetElapsedTime(0, time.GetTimestamp());
        var wall = time.GetUtcNow();
        var uptime = new Lazy<double?>(_readUptime);
        var result = new List<ContainerUsage>(containers.Count);
        lock (_gate)
        {
            foreach (var c in containers)
            {
                var key = (c.Namespace, c.Pod, c.Container);
                if (!_history.TryGetValue(key, out var samples)) _history[key] = samples = [];
                if (samples.Count == 0 || at - samples[^1].At >= MinInterval)
                {
                    var processes = new Dictionary<int, ProcessCpuTime>(c.Processes.Count);
                    foreach (var p in c.Processes) processes[p.Pid] = new ProcessCpuTime(p.StartTicks, p.CpuTicks);
                    samples.Add(new Sample(at, wall, processes, c.CgroupCpuNanoseconds, c.CgroupWorkingSetBytes ?? c.Processes.Sum(p => p.RssPages) * _pageSize));
                }
                // The oldest sample within the window is the base; older ones go (the newest always stays).
                while (samples.Count > 1 && samples[^1].At - samples[0].At > Window) samples.RemoveAt(0);
                var latest = samples[^1];
                var first = samples[0];
                var (cores, window) = first == latest
                    ? (Lifetime(latest, uptime.Value), TimeSpan.Zero)
                    : (Between(first, latest), latest.At - first.At);
                result.Add(new ContainerUsage(c.Namespace, c.Pod, c.Container, (long)Math.Round(cores * 1e9), latest.MemoryBytes, latest.Wall, window));
            }
            // Containers that were not asked about for a while are gone (or nobody looks): forget them.
            foreach (var stale in _history.Where(h => at - h.Value[^1].At > 4 * Window).Select(h => h.Key).ToList()) _history.Remove(stale);
        }
        return result;
    }

    /// <summary>CPU cores used between two samples: each process's ticks since the base (all its ticks if it
    /// started since), over the elapsed time.</summary>
    private double Between(Sample before, Sample after)
    {
        var elapsed = (after.At - before.At).TotalSeconds;
        if (elapsed <= 0) return 0;
        if (before.CgroupCpuNanoseconds is { } b0 && after.CgroupCpuNanoseconds is { } a0) return Math.Max(0, a0 - b0) / 1e9 / elapsed;
        ulong ticks = 0;
        foreach (var (pid, now) in after.Processes)
        {
            var earlier = before.Processes.TryGetValue(pid, out var b) && b.StartTicks == now.StartTicks ? b.CpuTicks : 0;
            if (now.CpuTicks > earlier) ticks += now.CpuTicks - earlier;
        }
        return ticks / (double)_ticksPerSecond / elapsed;
    }

    /// <summary>The sum of each process's lifetime average, in cores; with a cgroup, its CPU time over the life of
    /// its oldest process.</summary>
    private double Lifetime(Sample sample, double? uptime)
    {
        if (uptime is not { } u || sample.Processes.Count == 0) return 0;
        if (sample.CgroupCpuNanoseconds is { } nanos)
        {
            var lifetime = u - sample.Processes.Values.Min(p => p.StartTicks) / (double)_ticksPerSecond;
            return lifetime <= 0 ? 0 : nanos / 1e9 / lifetime;
        }
        return sample.Processes.Values.Sum(p => CpuSampler.LifetimePercent(p.CpuTicks, p.StartTicks, u, _ticksPerSecond)) / 100;
    }
}
