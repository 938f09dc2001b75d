using System.Reflection;
using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class KindsTests
{
    public static TheoryData<string> AllKinds() => new(Kinds.All.Select(k => k.Kind));

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Each_kind_names_itself_as_its_official_model_type_does(string kind)
    {
        var info = Kinds.ByKind(kind)!;
        var entity = info.ModelType.GetCustomAttribute<KubernetesEntityAttribute>()!;
        Assert.Equal(entity.Kind, info.Kind);
        Assert.Equal(entity.Group, info.Group);
        Assert.Equal(entity.ApiVersion, info.Version);
        Assert.Equal(entity.PluralName, info.Plural);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Each_kind_reads_its_json_into_its_model_type(string kind)
    {
        var info = Kinds.ByKind(kind)!;
        var json = $"{{\"apiVersion\":\"{info.ApiVersion}\",\"kind\":\"{kind}\",\"metadata\":{{\"name\":\"x\"}}}}";
        var fromJson = info.FromJson(json);
        Assert.IsType(info.ModelType, fromJson);
        Assert.Equal("x", fromJson.Metadata.Name);
        Assert.IsType(info.ModelType, info.FromNode(System.Text.Json.Nodes.JsonNode.Parse(json)!));
    }

    [Theory]
    [InlineData("po", "Pod")]
    [InlineData("pods", "Pod")]
    [InlineData("Pod", "Pod")]
    [InlineData("deploy", "Deployment")]
    [InlineData("STS", "StatefulSet")]
    [InlineData("statefulset", "StatefulSet")]
    [InlineData("ep", "Endpoints")]
    [InlineData("endpoints", "Endpoints")]
    [InlineData("cj", "CronJob")]
    [InlineData("pvc", "PersistentVolumeClaim")]
    public void A_users_name_for_a_kind_resolves_as_kubectls_does(string name, string kind) =>
        Assert.Equal(kind, Kinds.ByName(name)?.Kind);

    [Fact]
    public void ControllerRevisions_are_held_by_the_store_and_served_to_be_read()
    {
        Assert.Contains(Kinds.ControllerRevision, Kinds.All);
        Assert.Contains(Kinds.ControllerRevision, Kinds.Served);
        Assert.Equal(["get", "list", "watch"], Kinds.ControllerRevision.Verbs);
        Assert.Equal(Kinds.ControllerRevision, Kinds.ByName("controllerrevisions"));
        Assert.Equal(Kinds.ControllerRevision, Kinds.ByPath("apps", "v1", "controllerrevisions"));
        Assert.Equal(Kinds.Deployment, Kinds.ByPath("apps", "v1", "deployments"));
    }

    [Fact]
    public void Manifests_declare_workloads_and_their_configuration_but_not_what_controllers_write()
    {
        Assert.Equal(
            ["Pod", "ConfigMap", "Secret", "Service", "PersistentVolumeClaim", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController", "Namespace"],
            Kinds.FromManifests.Where(k => !k.Inert).Select(k => k.Kind));
    }

    [Fact]
    public void Every_kind_of_spec_2_that_means_nothing_on_one_host_is_stored_served_and_read_from_manifests()
    {
        string[] inert = ["ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "PodDisruptionBudget", "NetworkPolicy",
            "StorageClass", "PriorityClass", "LimitRange", "ResourceQuota", "Ingress", "IngressClass", "HorizontalPodAutoscaler", "PersistentVolume"];
        Assert.Equal(inert.Order(), Kinds.All.Where(k => k.Inert).Select(k => k.Kind).Order());
        Assert.All(inert, k => Assert.True(Kinds.ByKind(k) is { Served: true, FromManifests: true }, k));
    }

    [Theory]
    [InlineData("StorageClass", "/apis/storage.k8s.io/v1/storageclasses")]
    [InlineData("ClusterRole", "/apis/rbac.authorization.k8s.io/v1/clusterroles")]
    [InlineData("PersistentVolume", "/api/v1/persistentvolumes")]
    [InlineData("HorizontalPodAutoscaler", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers")]
    [InlineData("PodDisruptionBudget", "/apis/policy/v1/namespaces/default/poddisruptionbudgets")]
    public void Cluster_scoped_kinds_live_at_paths_without_a_namespace(string kind, string path) =>
        Assert.Equal(path, Kinds.ByKind(kind)!.CollectionPath());

    [Theory]
    [InlineData("Deployment", true)]
    [InlineData("Pod", true)]
    [InlineData("ConfigMap", false)]
    [InlineData("Event", false)]
    [InlineData("Endpoints", false)]
    [InlineData("ControllerRevision", false)]
    public void Only_kinds_with_a_spec_count_generations(string kind, bool hasSpec) =>
        Assert.Equal(hasSpec, Kinds.ByKind(kind)!.HasSpec);

    [Fact]
    public void The_collection_path_follows_the_group() =>
        Assert.Equal(("/api/v1/namespaces/default/pods", "/apis/batch/v1/namespaces/x/jobs"),
            (Kinds.Pod.CollectionPath(), Kinds.Job.CollectionPath("x")));
}
