using System.Net;
using System.Text.Json.Nodes;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>A list as a meta.k8s.io Table (kubectl get, sup get): each row's cells and, by default, its object's
/// metadata; <c>includeObject=None</c> leaves the object out, as the API server does.</summary>
public sealed class ApiTableTests : IAsyncLifetime
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";
    private ApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _api = await StartAsync();
        await _api.Created(ConfigMapsPath, ConfigMap("web", app: "web"));
        await _api.Created(ConfigMapsPath, ConfigMap("db", app: "db"));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<JsonArray> Rows(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", TableAccept);
        using var response = await _api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        return table["rows"]!.AsArray();
    }

    [Fact]
    public async Task A_table_row_carries_its_objects_metadata_by_default()
    {
        var rows = await Rows(ConfigMapsPath);
        Assert.Equal(["db", "web"], rows.Select(r => r!["cells"]![0]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal("PartialObjectMetadata", r!["object"]!["kind"]!.GetValue<string>()));
        Assert.Equal("default", rows[0]!["object"]!["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal(rows.ToJsonString(), (await Rows(ConfigMapsPath + "?includeObject=Metadata")).ToJsonString());
    }

    [Fact]
    public async Task With_includeObject_None_a_row_has_its_cells_and_no_object()
    {
        var rows = await Rows(ConfigMapsPath + "?includeObject=None");
        Assert.Equal(["db", "web"], rows.Select(r => r!["cells"]![0]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Null(r!["object"]));
        var one = await Rows(ConfigMapsPath + "/web?includeObject=None");
        Assert.Null(Assert.Single(one)!["object"]);
    }
}
