using System.Net;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>The status subresource: it writes status only, the object's own path writes spec only.</summary>
public sealed class ApiStatusTests : IAsyncLifetime
{
    private const string Status = DeploymentsPath + "/web/status";

    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_status_write_changes_the_status_and_leaves_spec_and_generation_alone()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));

        var written = (await _api.Put(Status, """{"metadata":{"name":"web"},"spec":{"replicas":9},"status":{"replicas":2,"readyReplicas":2}}"""))
            .Is(HttpStatusCode.OK).Body!;

        Assert.Equal(2, written["status"]!["readyReplicas"]!.GetValue<int>());
        Assert.Equal(2, written["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(created["metadata"]!["generation"]!.GetValue<long>(), written["metadata"]!["generation"]!.GetValue<long>());
        Assert.True(long.Parse(written["metadata"]!["resourceVersion"]!.GetValue<string>()) > long.Parse(created["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_status_merge_patch_changes_only_the_fields_it_names()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));
        await _api.Put(Status, """{"metadata":{"name":"web"},"status":{"replicas":2,"readyReplicas":1}}""");

        var patched = (await _api.Patch(Status, """{"status":{"readyReplicas":2}}""", "application/merge-patch+json")).Is(HttpStatusCode.OK).Body!;

        Assert.Equal((2, 2), (patched["status"]!["replicas"]!.GetValue<int>(), patched["status"]!["readyReplicas"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_status_read_is_the_whole_object()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web"));

        var read = (await _api.Get(Status)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(created.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task A_status_write_on_a_stale_resourceVersion_answers_409_Conflict()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web"));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Put(Status, """{"metadata":{"name":"web"},"status":{"replicas":1}}""");

        (await _api.Put(Status, $$$"""{"metadata":{"name":"web","resourceVersion":"{{{stale}}}"},"status":{"replicas":5}}"""))
            .IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.Equal(1, (await _api.Get(DeploymentsPath + "/web")).Body!["status"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_status_write_for_a_missing_object_answers_404()
    {
        (await _api.Put(Status, """{"metadata":{"name":"web"},"status":{"replicas":1}}""")).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_status_write_naming_another_object_answers_400()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        (await _api.Put(Status, """{"metadata":{"name":"other"},"status":{"replicas":1}}""")).IsStatus(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_status_json_patch_whose_test_fails_answers_422_and_changes_nothing()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));
        await _api.Put(Status, """{"metadata":{"name":"web"},"status":{"replicas":1}}""");

        (await _api.Patch(Status, """[{"op":"test","path":"/status/replicas","value":3},{"op":"replace","path":"/status/replicas","value":4}]""",
            "application/json-patch+json")).IsStatus(HttpStatusCode.UnprocessableEntity, "Invalid");

        Assert.Equal(1, (await _api.Get(DeploymentsPath + "/web")).Body!["status"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_status_patch_of_an_unknown_type_answers_415()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        (await _api.Patch(Status, """{"status":{"replicas":1}}""", "text/plain")).IsStatus(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task An_unknown_subresource_answers_404()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        (await _api.Get(DeploymentsPath + "/web/nothing")).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }
}
