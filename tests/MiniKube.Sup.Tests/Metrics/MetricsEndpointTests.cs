using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Metrics;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Metrics;

public sealed class MetricsEndpointTests
{
    [Fact]
    public void A_scrape_reads_the_store_now_and_drops_the_series_of_a_deleted_pod()
    {
        using var store = StoreTesting.Open(TestClock.Create());
        var metrics = new SupMetrics();
        var endpoint = new MetricsEndpoint(store, metrics);
        store.Put(new V1Pod { Kind = "Pod", ApiVersion = "v1", Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Command = ["true"] }] } });
        metrics.ProbeTotal.Increment("default", "web", "app", "Readiness", "successful");

        var first = endpoint.Scrape();
        Assert.Contains("kube_pod_info{namespace=\"default\",pod=\"web\"", first);
        Assert.Contains("sup_probe_total{namespace=\"default\",pod=\"web\",container=\"app\",probe_type=\"Readiness\",result=\"successful\"} 1\n", first);
        Assert.Contains("# TYPE process_resident_memory_bytes gauge\n", first);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", first);

        store.Drop(Kinds.Pod.Kind, "web");
        var second = endpoint.Scrape();
        Assert.DoesNotContain("pod=\"web\"", second);
        Assert.Equal(0, metrics.ProbeTotal.Value("default", "web", "app", "Readiness", "successful"));
    }
}
