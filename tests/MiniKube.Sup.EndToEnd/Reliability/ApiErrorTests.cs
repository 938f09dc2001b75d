using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>One daemon for the API error tests, with an HTTP client on its socket.</summary>
public sealed class ApiErrorDaemon : IAsyncLifetime
{
    internal SupDaemon Daemon { get; } = new("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c"]
              args: ["exec sleep infinity", "sh"]
        """);

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Daemon.StartAsync();
        Http = SocketHttp.Create(Daemon.StateDir);
        await Daemon.WaitForPodAsync("web");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Daemon.DisposeAsync();
    }
}

/// <summary>
/// Requests the API refuses get the status code the API server gives them and a Kubernetes Status saying why: a JSON
/// patch whose <c>test</c> fails or whose index is out of range is 422 and changes nothing, a malformed labelSelector
/// is 400, an unknown patch type 415, an object over 1 MiB 422, a body over the request limit 413 (and the daemon
/// does not log it as an error with a stack trace).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ApiErrorTests(ApiErrorDaemon fixture) : IClassFixture<ApiErrorDaemon>
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task A_json_patch_whose_test_fails_answers_422_and_changes_nothing()
    {
        await Send(HttpMethod.Post, ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"tested"},"data":{"a":"original"}}""");

        var (code, status) = await Send(HttpMethod.Patch, ConfigMaps + "/tested",
            """[{"op":"test","path":"/data/a","value":"something else"},{"op":"replace","path":"/data/a","value":"replaced"}]""",
            "application/json-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        AssertStatus(status, 422, "/data/a");
        var (_, stored) = await Send(HttpMethod.Get, ConfigMaps + "/tested");
        Assert.Equal("original", stored.GetProperty("data").GetProperty("a").GetString());

        // A test that holds lets the rest of the patch through.
        var (passed, _) = await Send(HttpMethod.Patch, ConfigMaps + "/tested",
            """[{"op":"test","path":"/data/a","value":"original"},{"op":"replace","path":"/data/a","value":"replaced"}]""",
            "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, passed);
        var (_, after) = await Send(HttpMethod.Get, ConfigMaps + "/tested");
        Assert.Equal("replaced", after.GetProperty("data").GetProperty("a").GetString());
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/spec/containers/0/args/9","value":"x"}]""")]
    [InlineData("""[{"op":"add","path":"/spec/containers/0/args/3","value":"x"}]""")]
    [InlineData("""[{"op":"remove","path":"/spec/containers/7"}]""")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/9/image","value":"x"}]""")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/-1/image","value":"x"}]""")]
    [InlineData("""[{"op":"remove","path":"/metadata/labels/missing"}]""")]
    [InlineData("""[{"op":"replace","path":"/metadata/nothing/here","value":"x"}]""")]
    public async Task A_json_patch_out_of_range_answers_422_and_changes_nothing(string patch)
    {
        var (_, before) = await Send(HttpMethod.Get, Pods + "/web");

        var (code, status) = await Send(HttpMethod.Patch, Pods + "/web", patch, "application/json-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        AssertStatus(status, 422, null);
        var (_, after) = await Send(HttpMethod.Get, Pods + "/web");
        Assert.Equal(before.GetProperty("metadata").GetProperty("uid").GetString(), after.GetProperty("metadata").GetProperty("uid").GetString());
        Assert.Equal(before.GetProperty("spec").GetRawText(), after.GetProperty("spec").GetRawText());
    }

    [Theory]
    [InlineData("a in (((")]
    [InlineData("app=we b")]
    [InlineData("-bad-key=x")]
    [InlineData("app in (web")]
    [InlineData("app notin web")]
    [InlineData("=web")]
    [InlineData("app=web,")]
    public async Task A_malformed_label_selector_answers_400(string selector)
    {
        var (code, status) = await Send(HttpMethod.Get, Pods + "?labelSelector=" + Uri.EscapeDataString(selector));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        AssertStatus(status, 400, null);
    }

    [Theory]
    [InlineData("app=web", 1)]
    [InlineData("app==web", 1)]
    [InlineData("app!=web", 0)]
    [InlineData("app in (web, db)", 1)]
    [InlineData("app notin (web)", 0)]
    [InlineData("app", 1)]
    [InlineData("!app", 0)]
    [InlineData("example.com/tier=front", 0)]
    [InlineData("app=", 0)]
    [InlineData("", 1)]
    public async Task A_well_formed_label_selector_filters(string selector, int pods)
    {
        var (code, list) = await Send(HttpMethod.Get, Pods + "?labelSelector=" + Uri.EscapeDataString(selector));

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(pods, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/yaml")]
    public async Task An_unknown_patch_content_type_answers_415(string contentType)
    {
        var (code, status) = await Send(HttpMethod.Patch, Pods + "/web", """{"metadata":{"labels":{"app":"other"}}}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        AssertStatus(status, 415, "application/merge-patch+json");
        var (_, after) = await Send(HttpMethod.Get, Pods + "/web");
        Assert.Equal("web", after.GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString());
    }

    [Fact]
    public async Task An_object_over_1_MiB_answers_422_and_is_not_stored()
    {
        var big = new string('x', 1536 * 1024);
        var (code, status) = await Send(HttpMethod.Post, ConfigMaps, ConfigMapJson("big", big));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        AssertStatus(status, 422, "1048576 bytes");
        var (missing, _) = await Send(HttpMethod.Get, ConfigMaps + "/big");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task A_body_over_the_request_limit_answers_413_and_logs_no_stack_trace()
    {
        var huge = Encoding.UTF8.GetBytes(ConfigMapJson("huge", new string('x', 10 << 20)));

        // Raw: the server answers before the body is all sent and then closes, which HttpClient reports as a failed
        // send rather than the answer (kubectl reads the answer).
        var (code, status) = await RawPostAsync(ConfigMaps, huge);

        Assert.Equal(413, code);
        AssertStatus(status, 413, "Request entity too large: limit is 3145728");
        // Still answering, and nothing in its log but what it said before.
        var (health, _) = await Send(HttpMethod.Get, Pods + "/web");
        Assert.Equal(HttpStatusCode.OK, health);
        var log = fixture.Daemon.Process.Output;
        Assert.DoesNotContain(" ERR ", log);
        StartFailureTests.AssertNoStackTrace(log);
    }

    private async Task<(int Code, JsonElement Body)> RawPostAsync(string path, byte[] body)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(fixture.Daemon.StateDir, "sup.sock")));
        var head = Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: sup\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        var sending = Task.Run(async () =>
        {
            try
            {
                await socket.SendAsync(head);
                await socket.SendAsync(body);
            }
            catch (SocketException) { } // the server stopped reading: expected
        });
        var answer = new MemoryStream();
        var buffer = new byte[65536];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token)) > 0)
            {
                answer.Write(buffer, 0, n);
                if (Complete(answer.ToArray())) break;
            }
        }
        catch (SocketException) { } // reset after the answer
        await sending.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, "no HTTP answer: " + text);
        var code = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (code, JsonDocument.Parse(text[(split + 4)..]).RootElement.Clone());
    }

    /// <summary>Headers and as many body bytes as Content-Length says.</summary>
    private static bool Complete(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return false;
        var length = text[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(length.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ConfigMapJson(string name, string value) =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"},"data":{"a":"{{{value}}}"}}""";

    private async Task<(HttpStatusCode Code, JsonElement Body)> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType.Split(';')[0]);
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request); }
        catch (HttpRequestException e) { throw new Xunit.Sdk.XunitException($"{method} {path}: no answer ({e.Message})\n{fixture.Daemon.Process.Output}"); }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            JsonElement json;
            try { json = JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone(); }
            catch (JsonException) { throw new Xunit.Sdk.XunitException($"{method} {path}: {(int)response.StatusCode} with a body that is not JSON: {text[..Math.Min(200, text.Length)]}"); }
            return (response.StatusCode, json);
        }
    }

    /// <summary>A Kubernetes Status of this code whose message (says what, and) holds <paramref name="fragment"/>.</summary>
    private static void AssertStatus(JsonElement status, int code, string? fragment)
    {
        Assert.True(status.ValueKind == JsonValueKind.Object, "the answer is not a Status: " + status);
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal(code, status.GetProperty("code").GetInt32());
        var message = status.GetProperty("message").GetString() ?? "";
        Assert.True(message.Length > 10, "the Status has no useful message: " + status);
        if (fragment is not null) Assert.Contains(fragment, message);
    }
}

/// <summary>An HTTP client on a daemon's Unix socket.</summary>
internal static class SocketHttp
{
    public static HttpClient Create(string stateDir) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(stateDir, "sup.sock")), cancel);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://sup/") };
}
