using k8s.Models;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

public class LogsTargetTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, string phase, DateTime? readySince = null, int restarts = 0, int createdMinute = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = T0.AddMinutes(createdMinute) },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = readySince is { } since ? [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = since }] : [],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", RestartCount = restarts }],
        },
    };

    private static LogsTarget.PodRank Rank(V1Pod pod) => LogsTarget.PodRank.Of(System.Text.Json.JsonDocument.Parse(k8s.KubernetesJson.Serialize(pod)).RootElement);

    [Fact]
    public void Pods_are_ranked_as_kubectl_ranks_them_for_logs()
    {
        List<V1Pod> pods =
        [
            Pod("pending", "Pending"),
            Pod("running-unready", "Running", restarts: 5),
            Pod("ready-later", "Running", readySince: T0.AddMinutes(5)),
            Pod("ready-first", "Running", readySince: T0.AddMinutes(1)),
        ];
        var ranks = pods.Select(Rank).ToList();
        ranks.Sort(LogsTarget.ByLogging);
        Assert.Equal(["ready-first", "ready-later", "running-unready", "pending"], ranks.Select(p => p.Name));
    }

    [Fact]
    public void Among_equals_more_restarts_then_the_older_pod_come_first()
    {
        List<V1Pod> pods = [Pod("young", "Running", createdMinute: 9), Pod("old", "Running", createdMinute: 1), Pod("restarted", "Running", restarts: 2, createdMinute: 5)];
        var ranks = pods.Select(Rank).ToList();
        ranks.Sort(LogsTarget.ByLogging);
        Assert.Equal(["restarted", "old", "young"], ranks.Select(p => p.Name));
    }
}
