using MiniKube.Sup.Client.Output;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Client.Output;

public sealed class TopSortingTests
{
    private static ProcessViewPod Pod(string name, params (string Container, double Cpu, long Rss)[] containers) =>
        new(name, containers.Select((c, i) => new ProcessViewContainer(c.Container, 100 + i,
            [new ProcessViewProcess(100 + i, 1, ProcessViewRoles.Master, 'S', c.Cpu, c.Rss, "app", 0)])).ToList());

    private static readonly IReadOnlyList<ProcessViewPod> Pods =
    [
        Pod("a", ("x", 1.0, 300)),
        Pod("b", ("x", 0.5, 100), ("y", 3.0, 100)),
        Pod("c", ("x", 2.0, 900)),
    ];

    [Theory]
    [InlineData(TopSort.Cpu, "b c a")]
    [InlineData(TopSort.Memory, "c a b")]
    [InlineData(TopSort.Name, "a b c")]
    public void Pods_are_ordered_by_the_sum_of_their_processes(TopSort sort, string order) =>
        Assert.Equal(order, string.Join(' ', TopSorting.Sort(Pods, sort).Select(p => p.Name)));

    [Fact]
    public void A_pods_containers_are_ordered_too() =>
        Assert.Equal(["y", "x"], TopSorting.Sort(Pods, TopSort.Cpu).Single(p => p.Name == "b").Containers.Select(c => c.Name));

    [Fact]
    public void The_summary_counts_pods_and_processes_and_sums_their_cpu_and_memory() =>
        Assert.Equal("sup top - 12:30:05 · 3 pods, 4 processes · CPU 6.5% · RSS 1.4Ki · sorted by memory",
            TopSorting.Summary(Pods, TopSort.Memory, new DateTimeOffset(2026, 1, 1, 12, 30, 5, TimeSpan.Zero)));

    [Fact]
    public void Keys_choose_the_order() =>
        Assert.Equal([TopSort.Cpu, TopSort.Memory, TopSort.Name, null], "cmnx".Select(TopSorting.FromKey));

    [Fact]
    public void Pod_usage_is_sorted_by_cpu_or_memory_highest_first()
    {
        const string List = """
            {"items":[
              {"metadata":{"name":"small","namespace":"default"},"containers":[{"name":"a","usage":{"cpu":"1m","memory":"200Mi"}}]},
              {"metadata":{"name":"busy","namespace":"default"},"containers":[{"name":"a","usage":{"cpu":"900m","memory":"10Mi"}}]}]}
            """;
        Assert.Contains("busy", PodUsageTable.Format(List, TopSort.Cpu).Split('\n')[1]);
        Assert.Contains("small", PodUsageTable.Format(List, TopSort.Memory).Split('\n')[1]);
        Assert.Contains("busy", PodUsageTable.Format(List, TopSort.Name).Split('\n')[1]);
    }
}
