using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>One daemon shared by the API contract tests.</summary>
public sealed class ApiDaemonFixture : IAsyncLifetime
{
    private readonly SupDaemon _daemon = new("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          terminationGracePeriodSeconds: 3
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--print", "up"]
        """);
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _daemon.StartAsync();
        Http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_daemon.StateDir, "sup.sock")), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://sup/") };
        await _daemon.WaitForPodAsync("web");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _daemon.DisposeAsync();
    }
}

/// <summary>The API's paths and shapes, checked on the wire (the Unix socket), as a Kubernetes client relies on them.</summary>
public sealed class ApiContractTests(ApiDaemonFixture fixture) : IClassFixture<ApiDaemonFixture>
{
    private readonly HttpClient _http = fixture.Http;

    private async Task<(HttpStatusCode Code, JsonElement Body)> Get(string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Theory]
    [InlineData("/api", "APIVersions")]
    [InlineData("/apis", "APIGroupList")]
    [InlineData("/api/v1", "APIResourceList")]
    [InlineData("/apis/apps/v1", "APIResourceList")]
    [InlineData("/apis/batch/v1", "APIResourceList")]
    public async Task Discovery_documents_have_their_kinds(string path, string kind)
    {
        var (code, body) = await Get(path);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(kind, body.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Resource_lists_carry_short_names_and_subresources()
    {
        var (_, core) = await Get("/api/v1");
        var resources = core.GetProperty("resources").EnumerateArray().ToList();
        var pods = resources.Single(r => r.GetProperty("name").GetString() == "pods");
        Assert.Contains("po", pods.GetProperty("shortNames").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains(resources, r => r.GetProperty("name").GetString() == "pods/log");
        var (_, apps) = await Get("/apis/apps/v1");
        Assert.Contains(apps.GetProperty("resources").EnumerateArray(), r => r.GetProperty("name").GetString() == "deployments/scale");
        var (_, version) = await Get("/version");
        Assert.Equal("1", version.GetProperty("major").GetString());
    }

    [Fact]
    public async Task Missing_object_is_a_NotFound_Status()
    {
        var (code, body) = await Get("/api/v1/namespaces/default/pods/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", body.GetProperty("kind").GetString());
        Assert.Equal("Failure", body.GetProperty("status").GetString());
        Assert.Equal("NotFound", body.GetProperty("reason").GetString());
        Assert.Equal(404, body.GetProperty("code").GetInt32());
        Assert.Equal("pods \"nope\" not found", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Table_response_has_column_definitions_and_rows_with_metadata()
    {
        var (code, table) = await Get("/api/v1/namespaces/default/pods", "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Table", table.GetProperty("kind").GetString());
        Assert.Equal("meta.k8s.io/v1", table.GetProperty("apiVersion").GetString());
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            table.GetProperty("columnDefinitions").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var row = table.GetProperty("rows")[0];
        Assert.Equal("web", row.GetProperty("cells")[0].GetString());
        Assert.Equal("PartialObjectMetadata", row.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("web", row.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_has_a_resourceVersion_and_a_watch_from_it_streams_later_changes()
    {
        var (_, list) = await Get("/api/v1/namespaces/default/pods");
        Assert.Equal("PodList", list.GetProperty("kind").GetString());
        var rv = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync($"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&fieldSelector=metadata.name%3Dsecond",
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var pod = $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"second"},"spec":{"terminationGracePeriodSeconds":2,"containers":[{"name":"app","command":["{{{Binaries.TestApp}}}"]}]}}""";
        using var created = await _http.PostAsync("/api/v1/namespaces/default/pods", new StringContent(pod, Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var first = JsonDocument.Parse((await reader.ReadLineAsync(cts.Token))!).RootElement;
        Assert.Equal("ADDED", first.GetProperty("type").GetString());
        Assert.Equal("second", first.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());

        using var deleted = await _http.DeleteAsync("/api/v1/namespaces/default/pods/second", cts.Token);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        string? type;
        do type = JsonDocument.Parse((await reader.ReadLineAsync(cts.Token))!).RootElement.GetProperty("type").GetString();
        while (type != "DELETED");
    }

    [Fact]
    public async Task Invalid_object_is_refused_with_a_located_Invalid_Status_and_changes_nothing()
    {
        var bad = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[{"name":"app","comand":["x"]}]}}""";
        using var response = await _http.PostAsync("/api/v1/namespaces/default/pods", new StringContent(bad, Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Invalid", body.GetProperty("reason").GetString());
        Assert.Contains("spec.containers[0].comand: unknown field \"comand\"", body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/api/v1/namespaces/default/pods/bad")).Code);
    }

    [Fact]
    public async Task Deeply_nested_body_is_refused_and_the_daemon_keeps_serving()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200_000)) + "1" + new string('}', 200_000);
        using var response = await _http.PostAsync("/api/v1/namespaces/default/pods", new StringContent(deep, Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("nested deeper than 64 levels", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/v1/namespaces/default/pods/web")).Code);
    }

    [Fact]
    public async Task Merge_patch_changes_a_configmap()
    {
        var cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1","b":"2"}}""";
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(cm, Encoding.UTF8, "application/json"))).StatusCode);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/settings")
        {
            Content = new StringContent("""{"data":{"a":"10","b":null}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        using var patched = await _http.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var (_, now) = await Get("/api/v1/namespaces/default/configmaps/settings");
        Assert.Equal("10", now.GetProperty("data").GetProperty("a").GetString());
        Assert.False(now.GetProperty("data").TryGetProperty("b", out _));
    }

    [Fact]
    public async Task Unknown_path_is_a_404_Status()
    {
        var (code, body) = await Get("/api/v1/namespaces/default/gizmos");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", body.GetProperty("kind").GetString());
    }
}
