using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Malformed, oversized and abandoned requests on the API's Unix socket: each may be refused, none may take
/// the daemon down or leave it unable to answer the next client, and the connections do not pile up as fds.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ApiGarbageTests(ITestOutputHelper output)
{
    private const string PodsPath = "/api/v1/namespaces/default/pods";

    /// <summary>Each case: what is written to the socket (then the test reads what comes back, if anything, and closes).</summary>
    private static readonly Dictionary<string, Func<byte[]>> Requests = new()
    {
        ["random bytes"] = () => RandomBytes(4096, 1),
        ["nul bytes"] = () => new byte[1024],
        ["not http"] = () => Ascii("HELLO THERE\r\n\r\n"),
        ["bad request line"] = () => Ascii("GET\r\n\r\n"),
        ["bad http version"] = () => Ascii("GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        ["http/2 preface"] = () => Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ["header without colon"] = () => Ascii("GET /api HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n"),
        ["huge header"] = () => Ascii($"GET /api HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 1 << 20)}\r\n\r\n"),
        ["many headers"] = () => Ascii("GET /api HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"X-H{i}: v\r\n")) + "\r\n"),
        ["very long url"] = () => Ascii($"GET /api/{new string('a', 200_000)} HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["path traversal"] = () => Ascii("GET /api/v1/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["percent garbage in path"] = () => Ascii("GET /api/v1/namespaces/%ff%fe%00/pods HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["bad query"] = () => Ascii($"GET {PodsPath}?labelSelector=%%%%&limit=-1&watch=maybe&resourceVersion=zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["selector garbage"] = () => Ascii($"GET {PodsPath}?labelSelector=a%20in%20(((&fieldSelector=!!! HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["content-length lies (short body, then close)"] = () => Ascii($"POST {PodsPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"kind\":"),
        ["negative content-length"] = () => Ascii($"POST {PodsPath} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        ["huge content-length"] = () => Ascii($"POST {PodsPath} HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
        ["bad chunked encoding"] = () => Ascii($"POST {PodsPath} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        ["invalid json"] = () => Post(PodsPath, "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", "),
        ["json of the wrong shape"] = () => Post(PodsPath, "[1, 2, 3]"),
        ["json with wrong types"] = () => Post(PodsPath, "{\"apiVersion\": 5, \"kind\": [\"Pod\"], \"metadata\": \"x\", \"spec\": {\"containers\": \"no\"}}"),
        ["deeply nested json"] = () => Post(PodsPath, new string('[', 100_000) + new string(']', 100_000)),
        ["deeply nested json object"] = () => Post(PodsPath, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"deep\",\"annotations\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000) + "}}"),
        ["invalid utf-8 in json"] = () => RequestBytes("POST", PodsPath, "application/json", [.. Ascii("{\"metadata\":{\"name\":\""), 0xff, 0xfe, 0xc3, .. Ascii("\"}}")]),
        ["huge json body"] = () => Post(PodsPath, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + new string('x', 32 << 20) + "\"}}}"),
        ["huge numbers"] = () => Post(PodsPath, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"num\"},\"spec\":{\"terminationGracePeriodSeconds\":1e400,\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"command\":[\"true\"],\"ports\":[{\"containerPort\":99999999999999999999}]}]}}"),
        ["patch garbage"] = () => Request("PATCH", PodsPath + "/nothing", "application/merge-patch+json", "{{{{"),
        ["json patch garbage"] = () => Request("PATCH", PodsPath + "/nothing", "application/json-patch+json", "[{\"op\":\"explode\",\"path\":7}]"),
        ["delete with garbage body"] = () => Request("DELETE", PodsPath + "/nothing", "application/json", "\u0000\u0001"),
        ["unknown method"] = () => Ascii($"BREW {PodsPath} HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["watch then hang up"] = () => Ascii($"GET {PodsPath}?watch=true HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["log follow of a missing pod"] = () => Ascii($"GET {PodsPath}/nothing/log?follow=true&tailLines=-9&sinceSeconds=abc HTTP/1.1\r\nHost: x\r\n\r\n"),
        ["pipelined requests"] = () => Ascii(string.Concat(Enumerable.Repeat("GET /api HTTP/1.1\r\nHost: x\r\n\r\n", 500))),
    };

    [Fact]
    public async Task Garbage_requests_never_take_the_daemon_down()
    {
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(2));
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync(ReliabilityManifests.Names(2));
        var socket = Path.Combine(daemon.StateDir, "sup.sock");
        // Twice over: the first pass may open files for good (a JIT build loads assemblies as new code paths run);
        // the second must not add fds, or something is kept per bad request.
        var fdsAfterFirstPass = 0;
        for (var pass = 1; pass <= 2; pass++)
        {
            foreach (var (name, request) in Requests)
            {
                var answer = await SendAsync(socket, request());
                output.WriteLine($"pass {pass}, {name}: {FirstLine(answer)} (daemon fds {watch.OpenFds()})");
                Assert.False(daemon.Process.HasExited, $"the daemon died on: {name}\n{daemon.Process.Output}");
                // The next client is answered (a raw request: cheaper than starting `sup` after each case).
                var health = FirstLine(await SendAsync(socket, Ascii("GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
                Assert.True(health == "HTTP/1.1 200 OK", $"after {name}: GET /api answered {health}");
            }
            var (code, _, err) = await daemon.Sup("get", "pods");
            Assert.True(code == 0, $"sup get pods failed: {err}");
            if (pass == 1) fdsAfterFirstPass = watch.OpenFds();
        }
        await AssertFdsBackAsync(watch, fdsAfterFirstPass);

        // Many clients that connect and say nothing, or half a request, then vanish together.
        var idle = new List<Socket>();
        for (var i = 0; i < 200; i++)
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            if (i % 2 == 1) await s.SendAsync(Ascii("GET /api HTTP/1.1\r\nHo"));
            idle.Add(s);
        }
        var (busyCode, _, busyErr) = await daemon.Sup("get", "pods");
        Assert.True(busyCode == 0, "with 200 idle clients connected: " + busyErr);
        foreach (var s in idle) s.Dispose();

        // The connections are gone from the daemon too (no fd kept per bad client).
        await AssertFdsBackAsync(watch, fdsAfterFirstPass);
        Assert.Equal(0, await daemon.StopAsync());
    }

    private static async Task AssertFdsBackAsync(DaemonObserver watch, int before)
    {
        try
        {
            await Poll.Until(() => watch.OpenFds() <= before + 8, "the daemon's fds back near their count before", 30);
        }
        catch (TimeoutException)
        {
            var kinds = Directory.GetFiles($"/proc/{watch.Pid}/fd").Select(f => new FileInfo(f).LinkTarget ?? "?")
                .GroupBy(t => t.Split(':')[0]).Select(g => $"{g.Key} x{g.Count()}");
            Assert.Fail($"the daemon holds {watch.OpenFds()} fds, {before} before: {string.Join(", ", kinds)}");
        }
    }

    private static async Task<byte[]> SendAsync(string path, byte[] request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        try { await socket.SendAsync(request); }
        catch (SocketException) { } // the server may refuse the rest of an oversized request and close: fine
        // No half-close: the server would take it for a client that went away. Read until it closes, or until it
        // has said something and then stayed quiet a moment (a kept-alive connection, a watch, a log follow).
        var answer = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            while (answer.Length < 1 << 20)
            {
                using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(answer.Length == 0 ? 3000 : 100));
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                if (n == 0) break;
                answer.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException) { } // a watch or follow stays open: we hang up
        catch (SocketException) { } // reset by the server
        return answer.ToArray();
    }

    private static string FirstLine(byte[] answer)
    {
        if (answer.Length == 0) return "(closed without an answer)";
        var text = Encoding.Latin1.GetString(answer, 0, Math.Min(answer.Length, 200));
        var end = text.IndexOf('\r');
        return end < 0 ? text : text[..end];
    }

    private static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Post(string path, string json) => Request("POST", path, "application/json", json);

    private static byte[] Request(string method, string path, string contentType, string body) =>
        RequestBytes(method, path, contentType, Encoding.UTF8.GetBytes(body));

    private static byte[] RequestBytes(string method, string path, string contentType, byte[] bytes)
    {
        return [.. Ascii($"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\n\r\n"), .. bytes];
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
