using System.Globalization;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Client.Output;

/// <summary>How <c>sup top</c> orders its rows: by CPU or memory, highest first (as top(1) and kubectl top
/// --sort-by), or by name. Pods are ordered by the sum of their processes, and each pod's containers likewise;
/// within a container the process tree keeps its shape.</summary>
public enum TopSort
{
    Cpu,
    Memory,
    Name,
}

public static class TopSorting
{
    public static readonly string[] Names = ["cpu", "memory", "name"];

    public static TopSort Parse(string text) => text switch
    {
        "memory" => TopSort.Memory,
        "name" => TopSort.Name,
        _ => TopSort.Cpu,
    };

    public static string Name(this TopSort sort) => Names[(int)sort];

    /// <summary>The key that chooses a sort in the live view (c, m, n), else null.</summary>
    public static TopSort? FromKey(char key) => char.ToLowerInvariant(key) switch
    {
        'c' => TopSort.Cpu,
        'm' => TopSort.Memory,
        'n' => TopSort.Name,
        _ => null,
    };

    public static IReadOnlyList<ProcessViewPod> Sort(IReadOnlyList<ProcessViewPod> pods, TopSort sort) =>
        Order(pods.Select(p => p with { Containers = Order(p.Containers, c => c.Name, c => c.Processes, sort) }), p => p.Name,
            p => p.Containers.SelectMany(c => c.Processes), sort);

    private static List<T> Order<T>(IEnumerable<T> items, Func<T, string> name, Func<T, IEnumerable<ProcessViewProcess>> processes, TopSort sort) => sort switch
    {
        TopSort.Cpu => items.OrderByDescending(i => processes(i).Sum(p => p.CpuPercent)).ThenBy(name, StringComparer.Ordinal).ToList(),
        TopSort.Memory => items.OrderByDescending(i => processes(i).Sum(p => p.RssBytes)).ThenBy(name, StringComparer.Ordinal).ToList(),
        _ => items.OrderBy(name, StringComparer.Ordinal).ToList(),
    };

    /// <summary>top(1)'s summary line: the time, how many pods and processes, their CPU and memory, the order.</summary>
    public static string Summary(IReadOnlyList<ProcessViewPod> pods, TopSort sort, DateTimeOffset now)
    {
        var processes = pods.SelectMany(p => p.Containers).SelectMany(c => c.Processes).ToList();
        var cpu = processes.Sum(p => p.CpuPercent).ToString("0.0", CultureInfo.InvariantCulture);
        return $"sup top - {now:HH:mm:ss} · {Count(pods.Count, "pod")}, {Count(processes.Count, "process")} · CPU {cpu}% · RSS {ProcessViewTable.HumanBytes(processes.Sum(p => p.RssBytes))} · sorted by {sort.Name()}";
    }

    public static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : noun.EndsWith('s') ? "es" : "s")}";
}
