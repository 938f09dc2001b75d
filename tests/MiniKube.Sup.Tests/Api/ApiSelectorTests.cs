using System.Net;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>labelSelector and fieldSelector on a list: every requirement must hold; a malformed one answers 400.</summary>
public sealed class ApiSelectorTests : IAsyncLifetime
{
    private ApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _api = await StartAsync();
        await _api.Created(ConfigMapsPath, ConfigMap("web", app: "web"));
        await _api.Created(ConfigMapsPath, ConfigMap("db", app: "db"));
        await _api.Created(ConfigMapsPath, ConfigMap("cache", app: "cache"));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<string[]> Names(string path, string query)
    {
        var list = (await _api.Get(path + "?" + query)).Is(HttpStatusCode.OK).Body!;
        return list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order().ToArray();
    }

    [Theory]
    [InlineData("app=web", "web")]
    [InlineData("app==web", "web")]
    [InlineData("app!=web", "cache,db")]
    [InlineData("app in (web, db)", "db,web")]
    [InlineData("app notin (web)", "cache,db")]
    [InlineData("app", "cache,db,web")]
    [InlineData("!app", "")]
    [InlineData("app=web,app=db", "")]
    public async Task A_label_selector_lists_the_objects_that_match_it(string selector, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await Names(ConfigMapsPath, "labelSelector=" + Uri.EscapeDataString(selector)));

    [Theory]
    [InlineData("metadata.name=db", "db")]
    [InlineData("metadata.name!=db", "cache,web")]
    [InlineData("metadata.namespace=default,metadata.name==web", "web")]
    public async Task A_field_selector_lists_the_objects_that_match_it(string selector, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await Names(ConfigMapsPath, "fieldSelector=" + Uri.EscapeDataString(selector)));

    [Fact]
    public async Task Pods_are_selected_by_their_phase()
    {
        var running = await _api.Created(PodsPath, Pod("running"));
        await _api.Created(PodsPath, Pod("pending"));
        _api.Store.UpdateStatus(ObjectKey.Default("Pod", "running"), new k8s.Models.V1PodStatus { Phase = "Running" }, running["metadata"]!["uid"]!.GetValue<string>());

        Assert.Equal(["running"], await Names(PodsPath, "fieldSelector=status.phase%3DRunning"));
        Assert.Equal(["pending"], await Names(PodsPath, "fieldSelector=status.phase!%3DRunning"));
    }

    [Fact]
    public async Task Label_and_field_selectors_must_both_hold()
    {
        Assert.Equal(["web"], await Names(ConfigMapsPath, "labelSelector=app%20in%20(web,db)&fieldSelector=metadata.name!%3Ddb"));
    }

    [Theory]
    [InlineData("labelSelector", "a in (((")]
    [InlineData("labelSelector", "app=we b")]
    [InlineData("labelSelector", "-bad-key=x")]
    [InlineData("labelSelector", "app=web,")]
    [InlineData("fieldSelector", "metadata.name")]
    [InlineData("fieldSelector", "=web")]
    public async Task A_malformed_selector_answers_400(string parameter, string selector)
    {
        (await _api.Get($"{ConfigMapsPath}?{parameter}={Uri.EscapeDataString(selector)}")).IsStatus(HttpStatusCode.BadRequest, "BadRequest");
    }
}
