using System.Globalization;
using System.Text.RegularExpressions;
using MiniKube.Sup.EndToEnd.Containers;

namespace MiniKube.Sup.EndToEnd.Metrics;

/// <summary>kubectl top pod for a podman container: its usage is read from its own cgroup (working set: a 40 MiB
/// file in its /dev/shm is memory it holds), and sup top --pods shows the same figure.</summary>
[Collection(ContainersCollection.Name)]
public sealed class ImagePodTopTests : IClassFixture<PodmanImages>
{
    [Fact]
    public async Task Kubectl_top_pod_reads_an_image_pods_cgroup_and_agrees_with_sup_top()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: boxed}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: app
                  image: busybox
                  command: ["sh", "-c", "dd if=/dev/zero of=/dev/shm/held bs=1048576 count=40 && echo held && exec sleep 3600"]
            """);
        await d.StartAsync(listen: true, [.. TestEngine.Podman.DaemonArguments]);
        await d.WaitForPodAsync("boxed");
        await Poll.Until(() => d.Sup("logs", "boxed").GetAwaiter().GetResult().Out.Contains("held", StringComparison.Ordinal), "the 40 MiB file", 60);

        var (code, top, err) = await d.Kubectl("top", "pod", "boxed");
        Assert.True(code == 0, err);
        var kubectl = MemoryMi(top);
        Assert.True(kubectl >= 40, top);

        var (supCode, sup, supErr) = await d.Sup("top", "--pods", "--once");
        Assert.True(supCode == 0, supErr);
        Assert.InRange(MemoryMi(sup), kubectl - 2, kubectl + 2);
        Assert.Equal(0, await d.StopAsync());
    }

    private static int MemoryMi(string table)
    {
        var m = Regex.Match(table, @"(?m)boxed\s+\d+m\s+(\d+)Mi");
        Assert.True(m.Success, table);
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
