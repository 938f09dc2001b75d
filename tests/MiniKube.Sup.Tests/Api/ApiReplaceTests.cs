using System.Net;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>PUT on an object: a whole new spec, conditional on the resourceVersion it carries, status kept.</summary>
public sealed class ApiReplaceTests : IAsyncLifetime
{
    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_replace_changes_the_object_and_gives_it_a_newer_resourceVersion_and_the_same_uid()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));
        var rv = created["metadata"]!["resourceVersion"]!.GetValue<string>();

        var replaced = (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "two", resourceVersion: rv))).Is(HttpStatusCode.OK);

        Assert.Equal("two", replaced.Body!["data"]!["key"]!.GetValue<string>());
        Assert.True(long.Parse(replaced.ResourceVersion!) > long.Parse(rv));
        Assert.Equal(created["metadata"]!["uid"]!.GetValue<string>(), replaced.Uid);
        Assert.Equal(["configured"], replaced.Headers.GetValues("X-Sup-Apply"));
    }

    [Fact]
    public async Task A_replace_on_a_stale_resourceVersion_answers_409_Conflict_and_changes_nothing()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "two", resourceVersion: stale));

        var response = (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "three", resourceVersion: stale)))
            .IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.Contains("the object has been modified", response.Message);
        Assert.Equal("two", (await _api.Get(ConfigMapsPath + "/settings")).Body!["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_replace_without_a_resourceVersion_is_unconditional()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));
        await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "two"));

        (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "three"))).Is(HttpStatusCode.OK);

        Assert.Equal("three", (await _api.Get(ConfigMapsPath + "/settings")).Body!["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_replace_that_changes_nothing_keeps_the_resourceVersion()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        var same = (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings"))).Is(HttpStatusCode.OK);

        Assert.Equal(created["metadata"]!["resourceVersion"]!.GetValue<string>(), same.ResourceVersion);
        Assert.Equal(["unchanged"], same.Headers.GetValues("X-Sup-Apply"));
    }

    [Fact]
    public async Task A_replace_of_a_missing_object_creates_it()
    {
        (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings"))).Is(HttpStatusCode.Created);

        Assert.NotNull(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task A_replace_whose_body_names_another_object_answers_400()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));

        (await _api.Put(ConfigMapsPath + "/settings", ConfigMap("other", "two"))).IsStatus(HttpStatusCode.BadRequest);

        Assert.Null(_api.Store.Get("ConfigMap", "other"));
        Assert.Equal("one", (await _api.Get(ConfigMapsPath + "/settings")).Body!["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_spec_change_bumps_the_generation_and_keeps_the_status()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));
        (await _api.Put(DeploymentsPath + "/web/status", """{"metadata":{"name":"web"},"status":{"replicas":2,"readyReplicas":1}}""")).Is(HttpStatusCode.OK);

        var replaced = (await _api.Put(DeploymentsPath + "/web", Deployment("web", replicas: 2, image: "v2"))).Is(HttpStatusCode.OK);

        Assert.Equal(created["metadata"]!["generation"]!.GetValue<long>() + 1, replaced.Body!["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, replaced.Body["status"]!["readyReplicas"]!.GetValue<int>());
    }
}
