using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Services;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

/// <summary>Objects keyed by namespace through the controllers, and the namespace lifecycle.</summary>
public sealed class NamespaceControllerTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _store = StoreTesting.Open();
    private readonly PodControl _pods;
    private readonly ControllerContext _context;
    private readonly DesiredState _desired;

    public NamespaceControllerTests()
    {
        _pods = new PodControl(_store);
        _context = new ControllerContext(_store, _pods, _time, new EventLog(), new StatePaths(Path.GetTempPath()), NullLogger.Instance);
        _desired = new DesiredState(_store, NullLogger.Instance);
    }

    public void Dispose() => _store.Dispose();

    private static V1ReplicaSet ReplicaSet(string ns, int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Command = ["sleep", "1"] }] },
            },
        },
    };

    private static V1ConfigMap ConfigMap(string ns) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "settings", NamespaceProperty = ns } };

    private List<string> PodsIn(string ns) => _store.List("Pod", ns).Select(p => p.Name).ToList();

    [Fact]
    public async Task The_same_name_in_two_namespaces_is_two_objects_each_with_its_own_pods()
    {
        _desired.Apply(ReplicaSet("default", 1), DesiredState.ApiSource);
        _desired.Apply(ReplicaSet("team", 2), DesiredState.ApiSource);
        var controller = new ReplicaSetController(_context);

        await controller.ReconcileAsync("team/web", CancellationToken.None);

        Assert.Equal(2, PodsIn("team").Count);
        Assert.Empty(PodsIn("default"));
        Assert.All(_store.List("Pod", "team"), p => Assert.Equal("team", p.Object.Metadata.NamespaceProperty));
        await controller.ReconcileAsync("default/web", CancellationToken.None);
        Assert.Single(PodsIn("default"));
        Assert.Equal(2, PodsIn("team").Count);
    }

    [Fact]
    public void A_pod_change_wakes_the_owner_in_the_pods_namespace()
    {
        var rs = _desired.Apply(ReplicaSet("team", 1), DesiredState.ApiSource).Stored.Copy<V1ReplicaSet>();
        var pod = _store.Create(PodTemplates.NewPod(rs.Spec.Template, "web-abcde", rs), "test");

        Assert.Equal(["team/web"], new ReplicaSetController(_context).KeysFor(new ObjectEvent(ObjectEvent.Added, pod)));
    }

    [Fact]
    public void An_object_in_an_undeclared_namespace_makes_the_namespace_and_says_so_once()
    {
        var first = _desired.Apply(ConfigMap("team"), DesiredState.ApiSource);
        var second = _desired.Apply(ConfigMap("team"), DesiredState.ApiSource);
        var inDefault = _desired.Apply(ConfigMap("default"), DesiredState.ApiSource);

        Assert.Equal("team", first.NamespaceCreated);
        Assert.Null(second.NamespaceCreated);
        Assert.Null(inDefault.NamespaceCreated);
        var ns = _store.Get(new ObjectKey("Namespace", ObjectKey.ClusterScope, "team"))!;
        Assert.Equal(DesiredState.OnDemandSource, ns.Source);
        Assert.Equal("team", ns.Object.Metadata.Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task A_namespace_is_Active_and_deleting_it_deletes_what_it_holds_then_itself()
    {
        var controller = new NamespaceController(_context);
        _desired.Apply(ConfigMap("team"), DesiredState.ApiSource);
        _desired.Apply(ConfigMap("default"), DesiredState.ApiSource);
        var rs = _desired.Apply(ReplicaSet("team", 1), DesiredState.ApiSource).Stored.Copy<V1ReplicaSet>();
        _pods.Create(PodTemplates.NewPod(rs.Spec.Template, "web-abcde", rs));
        var key = new ObjectKey("Namespace", ObjectKey.ClusterScope, "team");
        await controller.ReconcileAsync("team", CancellationToken.None);
        Assert.Equal("Active", _store.Get(key)!.As<V1Namespace>().Status.Phase);

        _desired.Delete(key);
        Assert.NotNull(_store.Get(key)); // kept while it holds anything
        var again = await controller.ReconcileAsync("team", CancellationToken.None);

        Assert.Equal("Terminating", _store.Get(key)!.As<V1Namespace>().Status.Phase);
        Assert.NotNull(again);
        Assert.Null(_store.Get("ConfigMap", "settings", "team"));
        Assert.Null(_store.Get("ReplicaSet", "web", "team"));
        // A pod goes gracefully: it is terminating until the pod agent removes it; the namespace waits for it.
        Assert.NotNull(_store.Get("Pod", "web-abcde", "team")!.Object.Metadata.DeletionTimestamp);
        Assert.Throws<ForbiddenException>(() => _desired.Apply(ConfigMap("team"), DesiredState.ApiSource));
        Assert.Equal(["team"], controller.KeysFor(new ObjectEvent(ObjectEvent.Deleted, _store.Get("Pod", "web-abcde", "team")!)));

        _store.Remove(new ObjectKey("Pod", "team", "web-abcde"), uid: null);
        await controller.ReconcileAsync("team", CancellationToken.None);

        Assert.Null(_store.Get(key));
        Assert.NotNull(_store.Get("ConfigMap", "settings")); // the default namespace's is untouched
    }

    [Fact]
    public void The_default_namespace_may_not_be_deleted()
    {
        _desired.EnsureNamespace(ObjectKey.DefaultNamespace);

        Assert.Throws<ForbiddenException>(() => _desired.Delete(new ObjectKey("Namespace", ObjectKey.ClusterScope, "default")));
    }

    [Fact]
    public void A_Services_variables_reach_only_pods_of_its_namespace()
    {
        V1Service Service(string name, string ns, int port) => new()
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1ServiceSpec { ClusterIP = "127.0.0.9", Ports = [new V1ServicePort { Port = port }] },
        };
        V1Service[] services = [Service("db", "team", 5432), Service("web", "default", 80)];

        var team = ServiceEnvironment.Variables(services, podNamespace: "team");
        var fallback = ServiceEnvironment.Variables(services);

        Assert.Equal("5432", team["DB_SERVICE_PORT"]);
        Assert.False(team.ContainsKey("WEB_SERVICE_HOST"));
        Assert.Equal("80", fallback["WEB_SERVICE_PORT"]);
        Assert.False(fallback.ContainsKey("DB_SERVICE_HOST"));
    }

    [Fact]
    public void A_Service_selects_only_pods_of_its_namespace()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "team" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" } },
        };
        V1Pod Pod(string ns) => new() { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "web" } } };

        Assert.True(EndpointsBuilder.Selects(service, Pod("team")));
        Assert.False(EndpointsBuilder.Selects(service, Pod("default")));
        Assert.Equal("team", EndpointsBuilder.Build(service, [Pod("team")]).Endpoints.Metadata.NamespaceProperty);
    }

    /// <summary>A reload (or a start) while a namespace the files use is being deleted: the objects in it wait, with a
    /// warning, and everything else is applied; an object already there may still be updated (k8s refuses only new
    /// content in a terminating namespace).</summary>
    [Fact]
    public void Files_applied_while_a_namespace_terminates_skip_its_new_objects_and_apply_the_rest()
    {
        var rs = _desired.Apply(ReplicaSet("team", 1), DesiredState.ApiSource).Stored.Copy<V1ReplicaSet>();
        _pods.Create(PodTemplates.NewPod(rs.Spec.Template, "web-abcde", rs));
        _desired.Delete(new ObjectKey("Namespace", ObjectKey.ClusterScope, "team"));
        var files = ManifestLoaderResult(ConfigMap("team"), ConfigMap("default"));

        var applied = _desired.ApplyFiles(files);

        Assert.Single(applied);
        Assert.NotNull(_store.Get("ConfigMap", "settings"));
        Assert.Null(_store.Get("ConfigMap", "settings", "team"));
        var updated = rs;
        updated.Spec.Replicas = 2;
        updated.Metadata.ResourceVersion = null;
        _desired.Apply(updated, DesiredState.ApiSource); // an update of what is there is allowed
    }

    private static MiniKube.Sup.Spec.ManifestLoadResult ManifestLoaderResult(params V1ConfigMap[] maps) =>
        MiniKube.Sup.Spec.ManifestLoader.LoadText(string.Join("\n---\n", maps.Select(m => k8s.KubernetesJson.Serialize(m))), "files.yaml");
}
