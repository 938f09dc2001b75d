using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Api;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Api;

/// <summary>
/// The Kubernetes API in-process: <see cref="KubeApi"/> behind <see cref="ApiErrors"/>, mapped as the daemon maps them
/// (DaemonHost), on ASP.NET Core's TestServer instead of Kestrel, over a real <see cref="ObjectStore"/> (SQLite in
/// memory) and a fake clock. No socket, no daemon process, no pod agent: objects are only stored, so a deleted pod
/// keeps its deletionTimestamp until the test removes it as the agent would.
/// </summary>
/// <remarks>What Kestrel does is not here: TestServer does not enforce Kestrel's MaxRequestBodySize, so the 413 for a
/// body over <see cref="ApiErrors.MaxRequestBodyBytes"/> is covered end to end (ApiErrorTests), not in-process.</remarks>
internal sealed class ApiServer : IAsyncDisposable
{
    public const string PodsPath = "/api/v1/namespaces/default/pods";
    public const string ConfigMapsPath = "/api/v1/namespaces/default/configmaps";
    public const string DeploymentsPath = "/apis/apps/v1/namespaces/default/deployments";

    private readonly WebApplication _app;

    private ApiServer(WebApplication app, ObjectStore store, FakeTimeProvider time)
    {
        _app = app;
        Store = store;
        Time = time;
        Http = app.GetTestClient();
    }

    public ObjectStore Store { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static async Task<ApiServer> StartAsync()
    {
        var time = TestClock.Create();
        var store = ObjectStore.Open(":memory:", time);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var api = new KubeApi(store, new DesiredState(store, NullLogger.Instance), new NoPodLogs(), time, "1.2.3")
        {
            Stopping = app.Lifetime.ApplicationStopping,
        };
        // As DaemonHost: every failure is answered with a Status, then the Kubernetes routes.
        app.Use(new ApiErrors(NullLogger.Instance).HandleAsync);
        api.Map(app);
        await app.StartAsync();
        return new ApiServer(app, store, time);
    }

    public Task<ApiResponse> Get(string path) => Send(HttpMethod.Get, path);

    public Task<ApiResponse> Post(string path, string json) => Send(HttpMethod.Post, path, json);

    public Task<ApiResponse> Put(string path, string json) => Send(HttpMethod.Put, path, json);

    public Task<ApiResponse> Patch(string path, string patch, string contentType) => Send(HttpMethod.Patch, path, patch, contentType);

    public Task<ApiResponse> Delete(string path, string? options = null) => Send(HttpMethod.Delete, path, options);

    public async Task<ApiResponse> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
    }

    /// <summary>Creates the object through the API and returns it as stored.</summary>
    public async Task<JsonNode> Created(string collection, string json)
    {
        var response = await Post(collection, json);
        Assert.True(response.Code == HttpStatusCode.Created, $"create answered {response.Code}: {response.Body}");
        return response.Body!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Store.Dispose();
    }

    /// <summary>No pod runs here, so no pod has a log.</summary>
    private sealed class NoPodLogs : IPodLogs
    {
        public Task<string?> WriteAsync(string ns, string pod, string? container, bool follow, bool previous, int? tailLines, Stream output, CancellationToken cancel, MiniKube.Sup.Logs.LogTextOptions? text = null) =>
            Task.FromResult<string?>("no pod runs in these tests");
    }
}

/// <summary>An API answer: its status code, its JSON body (an object or a Kubernetes Status), its headers.</summary>
internal sealed record ApiResponse(HttpStatusCode Code, JsonNode? Body, HttpResponseHeaders Headers)
{
    public string? Reason => Body?["reason"]?.GetValue<string>();

    public string? Message => Body?["message"]?.GetValue<string>();

    public string? ResourceVersion => Body?["metadata"]?["resourceVersion"]?.GetValue<string>();

    public string? Uid => Body?["metadata"]?["uid"]?.GetValue<string>();

    /// <summary>Asserts a Kubernetes Status of failure with this code (and reason).</summary>
    public ApiResponse IsStatus(HttpStatusCode code, string? reason = null)
    {
        Assert.True(Code == code, $"expected {(int)code} {code}, got {(int)Code} {Code}: {Body}");
        Assert.Equal("Status", Body?["kind"]?.GetValue<string>());
        Assert.Equal("Failure", Body?["status"]?.GetValue<string>());
        Assert.Equal((int)code, Body?["code"]?.GetValue<int>());
        if (reason is not null) Assert.Equal(reason, Reason);
        return this;
    }

    public ApiResponse Is(HttpStatusCode code)
    {
        Assert.True(Code == code, $"expected {(int)code} {code}, got {(int)Code} {Code}: {Body}");
        return this;
    }
}
