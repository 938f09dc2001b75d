using k8s.Models;
using MiniKube.Sup.Daemon.Hosting;

namespace MiniKube.Sup.Tests.Daemon.Hosting;

public sealed class LivePodTableTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, string phase = "Running", bool ready = true, int restarts = 0, string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, CreationTimestamp = Now.AddSeconds(-90) },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Ready = ready, RestartCount = restarts, State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        },
    };

    private static Corev1Event Event(string pod, string reason, string message, int secondsAgo) => new()
    {
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = "default" },
        Reason = reason,
        Message = message,
        LastTimestamp = Now.AddSeconds(-secondsAgo),
    };

    [Fact]
    public void Pods_are_rows_with_their_latest_event_then_a_status_line()
    {
        var lines = LivePodTable.Render([Pod("web", restarts: 2), Pod("db")],
            [Event("web", "Pulled", "old", 80), Event("web", "Started", "Started container app", 5), Event("other", "X", "y", 1)],
            Now, 200, 10, new LivePodTable.Status("all pods", Stopping: false), colour: false);
        Assert.Equal(
        [
            "NAME  READY  STATUS   RESTARTS  AGE  LAST EVENT",
            "db    1/1    Running  0         90s",
            "web   1/1    Running  2         90s  Started: Started container app (5s ago)",
            " sup · 2 pods: 2 Running · restarts 2 · logs: all pods · keys: p pause, f pod, q quit ", // padded for reverse video
        ], lines);
    }

    [Fact]
    public void No_line_reaches_the_last_column_and_extra_pods_are_counted()
    {
        var pods = Enumerable.Range(0, 8).Select(i => Pod($"pod-{i}", ns: i == 0 ? "shop" : "default")).ToList();
        var lines = LivePodTable.Render(pods, [], Now, 40, 3, new LivePodTable.Status("all pods", Stopping: true), colour: false);
        Assert.All(lines, l => Assert.True(l.Length <= 39, l));
        Assert.Equal(5, lines.Count); // header, 2 pods, "and 6 more", status
        Assert.StartsWith("pod-1 ", lines[1]); // default sorts before shop
        Assert.Equal("... and 6 more pod(s) (sup get pods)", lines[3]);
        Assert.StartsWith(" sup stopping · 8 pods: 8 Running", lines[4]);
        Assert.EndsWith("…", lines[4]);
    }

    [Fact]
    public void Without_keys_the_status_line_offers_none() =>
        Assert.Equal(" sup · 0 pods · restarts 0 · logs: all pods ",
            LivePodTable.Render([], [], Now, 200, 10, new LivePodTable.Status("all pods", Stopping: false, Keys: false), colour: false)[^1]);
}
