using System.Net;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>The scale subresource (autoscaling/v1 Scale) of DeploymentsPath and StatefulSets: spec.replicas read and
/// written alone.</summary>
public sealed class ApiScaleTests : IAsyncLifetime
{
    private const string Scale = DeploymentsPath + "/web/scale";

    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_scale_read_shows_the_wanted_and_observed_replicas_and_the_selector()
    {
        await _api.Created(DeploymentsPath, Deployment("web", replicas: 3));
        await _api.Put(DeploymentsPath + "/web/status", """{"metadata":{"name":"web"},"status":{"replicas":2}}""");

        var scale = (await _api.Get(Scale)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(("autoscaling/v1", "Scale"), (scale["apiVersion"]!.GetValue<string>(), scale["kind"]!.GetValue<string>()));
        Assert.Equal(3, scale["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, scale["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal("app=web", scale["status"]!["selector"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scale_write_changes_spec_replicas_bumps_the_generation_and_leaves_the_rest()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));

        var scale = (await _api.Put(Scale, """{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web"},"spec":{"replicas":5}}"""))
            .Is(HttpStatusCode.OK).Body!;

        Assert.Equal(5, scale["spec"]!["replicas"]!.GetValue<int>());
        var stored = (await _api.Get(DeploymentsPath + "/web")).Body!;
        Assert.Equal(5, stored["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(created["metadata"]!["generation"]!.GetValue<long>() + 1, stored["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(created["spec"]!["template"]!.ToJsonString(), stored["spec"]!["template"]!.ToJsonString());
    }

    [Fact]
    public async Task A_scale_merge_patch_changes_spec_replicas()
    {
        await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));

        (await _api.Patch(Scale, """{"spec":{"replicas":0}}""", "application/merge-patch+json")).Is(HttpStatusCode.OK);

        Assert.Equal(0, (await _api.Get(DeploymentsPath + "/web")).Body!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_scale_write_on_a_stale_resourceVersion_answers_409_Conflict()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Patch(Scale, """{"spec":{"replicas":3}}""", "application/merge-patch+json");

        (await _api.Put(Scale, $$$"""{"metadata":{"name":"web","resourceVersion":"{{{stale}}}"},"spec":{"replicas":5}}"""))
            .IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.Equal(3, (await _api.Get(DeploymentsPath + "/web")).Body!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_negative_scale_answers_422_Invalid()
    {
        await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));

        (await _api.Put(Scale, """{"metadata":{"name":"web"},"spec":{"replicas":-1}}""")).IsStatus(HttpStatusCode.UnprocessableEntity, "Invalid");
    }

    [Fact]
    public async Task A_scale_of_a_missing_deployment_answers_404()
    {
        (await _api.Get(Scale)).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_kind_without_replicas_has_no_scale_subresource()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        (await _api.Get(ConfigMapsPath + "/settings/scale")).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_scale_patch_of_an_unknown_type_answers_415()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        (await _api.Patch(Scale, """{"spec":{"replicas":1}}""", "text/plain")).IsStatus(HttpStatusCode.UnsupportedMediaType);
    }
}
