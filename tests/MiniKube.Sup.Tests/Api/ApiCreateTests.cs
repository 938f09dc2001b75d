using System.Net;
using System.Text.Json.Nodes;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>POST and GET, in-process: what a create answers, what it stores, and what it refuses.</summary>
public sealed class ApiCreateTests : IAsyncLifetime
{
    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_create_answers_201_with_the_stored_object_its_uid_resourceVersion_and_timestamp()
    {
        var response = (await _api.Post(ConfigMapsPath, ConfigMap("settings"))).Is(HttpStatusCode.Created);

        var stored = _api.Store.Get("ConfigMap", "settings")!;
        Assert.Equal(stored.Uid, response.Uid);
        Assert.Equal(stored.ResourceVersion.ToString(), response.ResourceVersion);
        Assert.Equal("one", response.Body!["data"]!["key"]!.GetValue<string>());
        Assert.Equal(TestClock.Start.UtcDateTime, response.Body["metadata"]!["creationTimestamp"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(["created"], response.Headers.GetValues("X-Sup-Apply"));
    }

    [Fact]
    public async Task A_created_object_is_read_back_by_get_and_in_the_list()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        var got = (await _api.Get(ConfigMapsPath + "/settings")).Is(HttpStatusCode.OK);
        var list = (await _api.Get(ConfigMapsPath)).Is(HttpStatusCode.OK);

        Assert.Equal(created.ToJsonString(), got.Body!.ToJsonString());
        Assert.Equal("ConfigMapList", list.Body!["kind"]!.GetValue<string>());
        Assert.Equal(_api.Store.ResourceVersion.ToString(), list.ResourceVersion);
        Assert.Equal(["settings"], list.Body["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_server_gives_the_uid_and_never_takes_a_status_from_a_create()
    {
        var body = JsonNode.Parse(Deployment("web"))!;
        body["metadata"]!["uid"] = "chosen-by-client";
        body["status"] = new JsonObject { ["replicas"] = 7 };

        var response = (await _api.Post(DeploymentsPath, body.ToJsonString())).Is(HttpStatusCode.Created);

        Assert.NotEqual("chosen-by-client", response.Uid);
        Assert.Null(response.Body!["status"]?["replicas"]);
    }

    [Fact]
    public async Task Creating_a_name_that_exists_answers_409_AlreadyExists_and_keeps_the_first()
    {
        var first = await _api.Created(ConfigMapsPath, ConfigMap("settings", "first"));

        (await _api.Post(ConfigMapsPath, ConfigMap("settings", "second"))).IsStatus(HttpStatusCode.Conflict, "AlreadyExists");

        Assert.Equal(first["metadata"]!["uid"]!.GetValue<string>(), _api.Store.Get("ConfigMap", "settings")!.Uid);
        Assert.Equal("first", (await _api.Get(ConfigMapsPath + "/settings")).Body!["data"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_object_answers_404_NotFound_naming_it()
    {
        var response = (await _api.Get(ConfigMapsPath + "/nothing")).IsStatus(HttpStatusCode.NotFound, "NotFound");

        Assert.Equal("configmaps \"nothing\" not found", response.Message);
        Assert.Equal("nothing", response.Body!["details"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/widgets")]
    [InlineData("/apis/example.com/v1/namespaces/default/widgets/a")]
    [InlineData("/apis/nothing.example.com")]
    public async Task An_unknown_resource_answers_404(string path) =>
        (await _api.Get(path)).IsStatus(HttpStatusCode.NotFound, "NotFound");

    [Fact]
    public async Task An_invalid_object_answers_422_Invalid_and_is_not_stored()
    {
        var response = (await _api.Post(PodsPath, Pod("web").Replace("\"command\":[\"sleep\",\"infinity\"]", "\"command\":[]")))
            .IsStatus(HttpStatusCode.UnprocessableEntity, "Invalid");

        Assert.Contains("command", response.Message);
        Assert.Null(_api.Store.Get("Pod", "web"));
    }

    [Fact]
    public async Task A_body_of_another_kind_than_the_path_answers_400()
    {
        (await _api.Post(PodsPath, ConfigMap("settings"))).IsStatus(HttpStatusCode.BadRequest, "BadRequest");

        Assert.Null(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task A_dry_run_create_answers_the_object_and_stores_nothing()
    {
        (await _api.Post(ConfigMapsPath + "?dryRun=All", ConfigMap("settings"))).Is(HttpStatusCode.Created);

        Assert.Null(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task An_object_in_an_undeclared_namespace_makes_it_with_a_warning_and_a_path_without_one_lists_all()
    {
        var made = await _api.Post("/api/v1/namespaces/team/configmaps", ConfigMap("settings", ns: "team"));
        made.Is(HttpStatusCode.Created);
        Assert.Contains(made.Headers.GetValues("Warning"), w => w.Contains("namespace \\\"team\\\" created on demand", StringComparison.Ordinal));
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        var all = (await _api.Get("/api/v1/configmaps")).Body!["items"]!.AsArray();

        Assert.Equal(["default", "team"], all.Select(i => i!["metadata"]!["namespace"]!.GetValue<string>()));
        (await _api.Get("/api/v1/namespaces/team/configmaps/settings")).Is(HttpStatusCode.OK);
        (await _api.Get("/api/v1/namespaces/team")).Is(HttpStatusCode.OK);
        (await _api.Get("/api/v1/namespaces/other/configmaps/settings")).IsStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_whose_namespace_is_not_the_paths_answers_400()
    {
        (await _api.Post("/api/v1/namespaces/team/configmaps", ConfigMap("settings", ns: "other"))).IsStatus(HttpStatusCode.BadRequest, "BadRequest");

        Assert.Null(_api.Store.Get("ConfigMap", "settings", "team"));
        Assert.Null(_api.Store.Get("ConfigMap", "settings", "other"));
    }

    [Fact]
    public async Task An_object_over_1_MiB_answers_422_and_is_not_stored()
    {
        var big = ConfigMap("big", new string('x', 1024 * 1024 + 1));

        (await _api.Post(ConfigMapsPath, big)).IsStatus(HttpStatusCode.UnprocessableEntity);

        Assert.Null(_api.Store.Get("ConfigMap", "big"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_a_4xx_Status_and_stores_nothing()
    {
        var response = await _api.Post(ConfigMapsPath, "{ this is not json");

        Assert.InRange((int)response.Code, 400, 499);
        Assert.Equal("Status", response.Body!["kind"]!.GetValue<string>());
        Assert.Empty(_api.Store.List("ConfigMap"));
    }
}
