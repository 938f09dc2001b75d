using MiniKube.Sup.Spec;
using System.Text.Json.Nodes;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

/// <summary>kubectl's rollout status viewers (polymorphichelpers/rollout_status.go), message for message.</summary>
public class RolloutStatusTests
{
    private static JsonNode Deployment(long generation, long observed, long replicas, long updated, long total, long available, string? progressing = null) =>
        JsonNode.Parse($$$"""
            {"metadata":{"generation":{{{generation}}}},"spec":{"replicas":{{{replicas}}}},
             "status":{"observedGeneration":{{{observed}}},"updatedReplicas":{{{updated}}},"replicas":{{{total}}},"availableReplicas":{{{available}}},
               "conditions":[{"type":"Progressing","reason":"{{{progressing ?? "NewReplicaSetAvailable"}}}"}]}}
            """)!;

    public static TheoryData<JsonNode, string, bool> Deployments => new()
    {
        { Deployment(2, 1, 3, 0, 3, 3), "Waiting for deployment spec update to be observed...\n", false },
        { Deployment(2, 2, 3, 1, 3, 3), "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n", false },
        { Deployment(2, 2, 3, 3, 4, 3), "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...\n", false },
        { Deployment(2, 2, 3, 3, 3, 2), "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...\n", false },
        { Deployment(2, 2, 3, 3, 3, 3), "deployment \"web\" successfully rolled out\n", true },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void A_deployment_says_how_far_its_rollout_is(JsonNode deployment, string message, bool done)
    {
        Assert.Equal((message, done, null), RolloutCommand.StatusOf(Kinds.Deployment, "web", deployment));
    }

    [Fact]
    public void A_deployment_past_its_progress_deadline_is_an_error()
    {
        var (_, done, error) = RolloutCommand.StatusOf(Kinds.Deployment, "web", Deployment(2, 2, 3, 1, 3, 3, "ProgressDeadlineExceeded"));

        Assert.False(done);
        Assert.Equal("deployment \"web\" exceeded its progress deadline", error);
    }

    [Fact]
    public void A_statefulset_waits_for_its_pods_to_be_ready_then_for_the_update_revision()
    {
        var waiting = JsonNode.Parse("""{"metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"readyReplicas":1}}""")!;
        var rolling = JsonNode.Parse("""{"metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"readyReplicas":3,"updatedReplicas":1,"updateRevision":"db-2","currentRevision":"db-1"}}""")!;
        var done = JsonNode.Parse("""{"metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"readyReplicas":3,"currentReplicas":3,"updateRevision":"db-2","currentRevision":"db-2"}}""")!;

        Assert.Equal(("Waiting for 2 pods to be ready...\n", false, null), RolloutCommand.StatusOf(Kinds.StatefulSet, "db", waiting));
        Assert.Equal(("waiting for statefulset rolling update to complete 1 pods at revision db-2...\n", false, null), RolloutCommand.StatusOf(Kinds.StatefulSet, "db", rolling));
        Assert.Equal(("statefulset rolling update complete 3 pods at revision db-2...\n", true, null), RolloutCommand.StatusOf(Kinds.StatefulSet, "db", done));
    }

    [Fact]
    public void A_daemonset_counts_updated_then_available_pods()
    {
        var updating = JsonNode.Parse("""{"metadata":{"generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":1,"updatedNumberScheduled":0}}""")!;
        var done = JsonNode.Parse("""{"metadata":{"generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":1,"updatedNumberScheduled":1,"numberAvailable":1}}""")!;

        Assert.Equal(("Waiting for daemon set \"agent\" rollout to finish: 0 out of 1 new pods have been updated...\n", false, null), RolloutCommand.StatusOf(Kinds.DaemonSet, "agent", updating));
        Assert.Equal(("daemon set \"agent\" successfully rolled out\n", true, null), RolloutCommand.StatusOf(Kinds.DaemonSet, "agent", done));
    }
}
