using System.Net;
using System.Text.Json.Nodes;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>PATCH on an object, in the four types kubectl sends: JSON merge, strategic merge, JSON patch and
/// server-side apply. A patch that cannot apply changes nothing.</summary>
public sealed class ApiPatchTests : IAsyncLifetime
{
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";

    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<JsonNode> Stored(string path) => (await _api.Get(path)).Body!;

    private static string[] ContainerNames(JsonNode deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToArray();

    [Fact]
    public async Task A_merge_patch_sets_the_fields_it_names_and_removes_those_it_sets_to_null()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        var patched = (await _api.Patch(ConfigMapsPath + "/settings", """{"data":{"key":null,"added":"yes"},"metadata":{"labels":{"tier":"front"}}}""", MergePatch))
            .Is(HttpStatusCode.OK).Body!;

        Assert.Equal("""{"added":"yes"}""", patched["data"]!.ToJsonString());
        Assert.Equal("web", patched["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("front", patched["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_merge_patch_replaces_a_list_whole()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        var patched = (await _api.Patch(DeploymentsPath + "/web",
            """{"spec":{"template":{"spec":{"containers":[{"name":"only","command":["sleep","1"]}]}}}}""", MergePatch)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(["only"], ContainerNames(patched));
    }

    [Fact]
    public async Task A_strategic_merge_patch_merges_containers_by_name()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        var patched = (await _api.Patch(DeploymentsPath + "/web",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"IMAGE","value":"v2"}]}]}}}}""", StrategicMergePatch))
            .Is(HttpStatusCode.OK).Body!;

        Assert.Equal(["app", "sidecar"], ContainerNames(patched));
        var app = patched["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("v2", app["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("sleep", app["command"]![0]!.GetValue<string>()); // what the patch does not name stays
    }

    [Fact]
    public async Task A_strategic_merge_patch_deletes_a_container_by_its_patch_directive()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        var patched = (await _api.Patch(DeploymentsPath + "/web",
            """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""", StrategicMergePatch)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(["app"], ContainerNames(patched));
    }

    [Fact]
    public async Task A_json_patch_applies_its_operations_in_order()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));

        var patched = (await _api.Patch(ConfigMapsPath + "/settings",
            """[{"op":"test","path":"/data/key","value":"one"},{"op":"add","path":"/data/other","value":"x"},{"op":"remove","path":"/data/key"}]""", JsonPatch))
            .Is(HttpStatusCode.OK).Body!;

        Assert.Equal("""{"other":"x"}""", patched["data"]!.ToJsonString());
    }

    [Fact]
    public async Task A_json_patch_whose_test_fails_answers_422_and_changes_nothing()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));

        var response = (await _api.Patch(ConfigMapsPath + "/settings",
            """[{"op":"test","path":"/data/key","value":"two"},{"op":"replace","path":"/data/key","value":"three"}]""", JsonPatch))
            .IsStatus(HttpStatusCode.UnprocessableEntity, "Invalid");

        Assert.Contains("/data/key", response.Message);
        Assert.Equal(created.ToJsonString(), (await Stored(ConfigMapsPath + "/settings")).ToJsonString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/yaml")]
    public async Task A_patch_of_an_unknown_type_answers_415_and_changes_nothing(string contentType)
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        (await _api.Patch(ConfigMapsPath + "/settings", """{"data":{"key":"two"}}""", contentType)).IsStatus(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");

        Assert.Equal(created.ToJsonString(), (await Stored(ConfigMapsPath + "/settings")).ToJsonString());
    }

    [Theory]
    [InlineData(MergePatch, "{ not json")]
    [InlineData(JsonPatch, """{"op":"add"}""")]
    public async Task A_patch_that_is_not_of_its_type_answers_400(string contentType, string patch)
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        (await _api.Patch(ConfigMapsPath + "/settings", patch, contentType)).IsStatus(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_patch_of_a_missing_object_answers_404()
    {
        (await _api.Patch(ConfigMapsPath + "/nothing", """{"data":{"key":"two"}}""", MergePatch)).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_patch_that_names_a_stale_resourceVersion_answers_409_Conflict()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Patch(ConfigMapsPath + "/settings", """{"data":{"key":"two"}}""", MergePatch);

        (await _api.Patch(ConfigMapsPath + "/settings", $$$"""{"metadata":{"resourceVersion":"{{{stale}}}"},"data":{"key":"three"}}""", MergePatch))
            .IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.Equal("two", (await Stored(ConfigMapsPath + "/settings"))["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_patch_never_writes_the_status()
    {
        await _api.Created(DeploymentsPath, Deployment("web"));

        var patched = (await _api.Patch(DeploymentsPath + "/web", """{"spec":{"replicas":5},"status":{"replicas":5}}""", MergePatch)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(5, patched["spec"]!["replicas"]!.GetValue<int>());
        Assert.Null(patched["status"]?["replicas"]);
    }

    [Fact]
    public async Task A_server_side_apply_makes_the_applied_configuration_the_object()
    {
        var created = await _api.Created(DeploymentsPath, Deployment("web", replicas: 2));

        var applied = (await _api.Patch(DeploymentsPath + "/web?fieldManager=test", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 4
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: app
                      command: [sleep, infinity]
            """, ApplyPatch)).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(4, applied["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(["app"], ContainerNames(applied));
        Assert.Equal(created["metadata"]!["uid"]!.GetValue<string>(), applied["metadata"]!["uid"]!.GetValue<string>());
    }
}
