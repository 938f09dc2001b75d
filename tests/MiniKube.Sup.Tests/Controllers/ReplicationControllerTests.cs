using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

/// <summary>A ReplicationController from a manifest as the documentation writes it (controllers/replication.yaml):
/// its selector defaulted from the template's labels, its pods kept like a ReplicaSet's.</summary>
public sealed class ReplicationControllerTests : IDisposable
{
    private const string Manifest = """
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: nginx
          namespace: web
        spec:
          replicas: 3
          template:
            metadata:
              name: nginx
              labels:
                app: nginx
            spec:
              containers:
              - name: nginx
                image: nginx
                ports:
                - containerPort: 80
        """;

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _store = StoreTesting.Open();
    private readonly FakePodControl _pods;
    private readonly ReplicationControllerController _controller;

    public ReplicationControllerTests()
    {
        _pods = new FakePodControl(_time);
        _controller = new ReplicationControllerController(new ControllerContext(_store, _pods, _time, new EventLog(), new StatePaths(Path.GetTempPath()), NullLogger.Instance));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_manifest_ReplicationController_gets_its_selector_from_the_template_and_keeps_its_replicas()
    {
        var loaded = ManifestLoader.LoadText(Manifest, "replication.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var rc = (V1ReplicationController)loaded.Objects.Single().Model;
        Assert.Equal("nginx", rc.Spec.Selector["app"]);
        Assert.Equal("nginx", rc.Metadata.Labels["app"]);
        _store.Create(rc, "test");

        await _controller.ReconcileAsync("web/nginx", CancellationToken.None);

        Assert.Equal(3, _pods.Created.Count);
        var pod = _pods.List().First();
        Assert.Equal("web", pod.Metadata.NamespaceProperty);
        Assert.Equal(("ReplicationController", "nginx"), (pod.Metadata.OwnerReferences.Single().Kind, pod.Metadata.OwnerReferences.Single().Name));

        _pods.Delete(pod.Metadata.Name);
        _pods.Finish(pod.Metadata.Name);
        await _controller.ReconcileAsync("web/nginx", CancellationToken.None);

        Assert.Equal(4, _pods.Created.Count);
        Assert.Equal(3, _store.Get("ReplicationController", "nginx", "web")!.As<V1ReplicationController>().Status.Replicas);
    }

    [Fact]
    public void A_ReplicationController_without_selector_or_template_labels_is_refused_at_the_selector()
    {
        var loaded = ManifestLoader.LoadText("""
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: bare}
            spec:
              template:
                spec:
                  containers: [{name: c, image: nginx}]
            """, "rc.yaml");

        Assert.Contains(loaded.Errors, e => e.FieldPath == "spec.selector");
    }

    [Fact]
    public void An_autoscaling_v1_HorizontalPodAutoscaler_loads_as_its_v2_form()
    {
        var loaded = ManifestLoader.LoadText("""
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata: {name: frontend-scaler}
            spec:
              scaleTargetRef: {kind: ReplicaSet, name: frontend}
              minReplicas: 3
              maxReplicas: 10
              targetCPUUtilizationPercentage: 50
            """, "hpa-rs.yaml");

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var hpa = (V2HorizontalPodAutoscaler)loaded.Objects.Single().Model;
        Assert.Equal("autoscaling/v2", hpa.ApiVersion);
        Assert.Equal(50, hpa.Spec.Metrics.Single().Resource.Target.AverageUtilization);
        Assert.Equal("cpu", hpa.Spec.Metrics.Single().Resource.Name);
    }
}
