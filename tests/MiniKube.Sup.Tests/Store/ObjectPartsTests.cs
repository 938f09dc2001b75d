using k8s.Models;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

/// <summary>The store keeps one text per object (its JSON as served) and takes it apart again when a write needs its
/// parts: that is only sound if taking apart gives back exactly the parts that were joined.</summary>
public sealed class ObjectPartsTests
{
    private static V1Pod Pod() => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "web-0",
            NamespaceProperty = "shop",
            Uid = "7702d32f-c9a2-4c30-9403-d21b0153d42b",
            ResourceVersion = "41",
            Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "a<b>&c+d" },
            // kubectl's annotation: JSON inside a string, quotes and all; and text that is not ASCII.
            Annotations = new Dictionary<string, string>
            {
                ["kubectl.kubernetes.io/last-applied-configuration"] = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0"}}""" + "\n",
                ["note"] = "café ✓ \u00e9\t'quoted'",
            },
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Command = ["sh", "-c", "echo \"$(date)\" > /tmp/x && sleep 1e3"], Env = [new V1EnvVar { Name = "RATIO", Value = "0.25" }] }],
            TerminationGracePeriodSeconds = 30,
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = new DateTime(2026, 12, 6, 5, 44, 33, 14, DateTimeKind.Utc) }],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Ready = true, RestartCount = 3, Image = "", ImageID = "", State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UnixEpoch } } }],
        },
    };

    [Fact]
    public void Decompose_gives_back_exactly_the_parts_Compose_joined()
    {
        var (spec, status) = ObjectParts.Split(Pod(), _ => { });
        Assert.NotNull(status);

        var json = ObjectParts.Compose(spec, status, 1234);

        Assert.Contains("\"resourceVersion\":\"1234\"", json, StringComparison.Ordinal);
        Assert.Equal((spec, status), ObjectParts.Decompose(json));
    }

    [Fact]
    public void Decompose_of_an_object_without_a_status_gives_no_status()
    {
        var config = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = "v\u00e9" } };
        var (spec, status) = ObjectParts.Split(config, _ => { });
        Assert.Null(status);

        Assert.Equal((spec, (string?)null), ObjectParts.Decompose(ObjectParts.Compose(spec, null, 7)));
    }

    [Fact]
    public void A_status_written_alone_is_given_back_as_written()
    {
        var (spec, _) = ObjectParts.Split(Pod(), _ => { });
        var status = ObjectParts.StatusJson(Pod().Status);

        Assert.Equal((spec, status), ObjectParts.Decompose(ObjectParts.Compose(spec, status, 9)));
    }
}
