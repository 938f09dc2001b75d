using k8s.Models;
using MiniKube.Sup.Services;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Services;

public sealed class ServiceLinkedEnvironmentTests
{
    private static readonly Dictionary<string, string> Inherited = new() { ["PATH"] = "/usr/bin" };

    private static V1Service Service(string name, int port) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { ClusterIP = "127.0.0.5", Ports = [new V1ServicePort { Port = port }] },
    };

    [Fact]
    public void A_container_started_after_a_Service_changed_sees_the_change()
    {
        using var store = StoreTesting.Open();
        var env = ServiceLinkedEnvironment.Over(store, Inherited);
        Assert.False(env.ContainsKey("WEB_SERVICE_HOST"));

        store.Put(Service("web", 80));
        Assert.Equal("127.0.0.5", env["WEB_SERVICE_HOST"]);
        Assert.Equal("80", env["WEB_SERVICE_PORT"]);

        store.Put(Service("web", 8080));
        Assert.Equal("8080", env["WEB_SERVICE_PORT"]);

        store.Drop("Service", "web");
        Assert.False(env.ContainsKey("WEB_SERVICE_PORT"));
        Assert.Equal("/usr/bin", env["PATH"]);
    }

    [Fact]
    public void The_variables_are_built_once_per_change_of_Services_not_once_per_read()
    {
        using var store = StoreTesting.Open();
        var builds = 0;
        var env = new ServiceLinkedEnvironment(Inherited, () => store.VersionOf("Service"), _ =>
        {
            builds++;
            return ServiceEnvironment.Variables(store.List("Service").Select(o => o.As<V1Service>()));
        });

        _ = env.Count;
        _ = env.ContainsKey("PATH");
        _ = env.ToList();
        Assert.Equal(1, builds);

        store.Put(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "p" } });
        _ = env.Count;
        Assert.Equal(1, builds);

        store.Put(Service("db", 5432));
        Assert.Equal("5432", env["DB_SERVICE_PORT"]);
        _ = env.Count;
        Assert.Equal(2, builds);
    }
}
