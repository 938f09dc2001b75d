using System.Collections.Concurrent;
using System.Net;

namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>examples/nginx with Debian's nginx: 2 replicas, each on its own pod address, behind a Service, and a
/// rolling update under traffic that loses no request.</summary>
public sealed class NginxExampleTests
{
    [Fact]
    public async Task Two_replicas_serve_on_their_own_addresses_and_a_rolling_update_under_traffic_loses_no_request()
    {
        await using var d = new SupDaemon(Example.Manifest("nginx"));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Available", "deployment/web", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pods", "-l", "app=web", "--timeout", "60s");
        Assert.True(code == 0, output + err);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // A new connection per request, as many clients make them: each one is routed afresh.
        http.DefaultRequestHeaders.ConnectionClose = true;
        var pods = (await Example.Json(d, "get", "pods", "-l", "app=web", "-o", "json")).GetProperty("items").EnumerateArray()
            .Select(p => (Name: p.GetProperty("metadata").GetProperty("name").GetString()!, Ip: p.GetProperty("status").GetProperty("podIP").GetString()!)).ToList();
        Assert.Equal(2, pods.Count);
        Assert.NotEqual(pods[0].Ip, pods[1].Ip);
        foreach (var (name, ip) in pods)
            Assert.Equal($"served by {name} (v1)\n", await http.GetStringAsync($"http://{ip}:8280/"));

        // Traffic through the Service while the template's env changes (v1 -> v2): every request answered.
        var answers = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        async Task DriveAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("http://127.0.0.1:8280/");
                    if (response.StatusCode == HttpStatusCode.OK) answers.Enqueue(await response.Content.ReadAsStringAsync());
                    else failures.Enqueue(response.StatusCode.ToString());
                }
                catch (HttpRequestException e) { failures.Enqueue(e.Message); }
                catch (TaskCanceledException e) when (!stop.IsCancellationRequested) { failures.Enqueue(e.Message); }
            }
        }
        var drivers = Enumerable.Range(0, 4).Select(_ => Task.Run(DriveAsync)).ToArray();
        await Poll.Until(() => answers.Count > 20, "traffic flowing");
        d.WriteManifest(Example.Manifest("nginx").Replace("value: \"v1\"", "value: \"v2\""));
        (code, output, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, output + err);
        (code, output, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        // The old pods drain (preStop) and go, under traffic. Between the Deployment's status saying done and the old
        // pod's endpoint leaving the Service's rules there are a few milliseconds (the kernel path writes them with
        // nft), as under kube-proxy: a request routed there then is still served, by the draining pod, never lost.
        (code, output, err) = await d.Sup(["wait", "--for=delete", .. pods.Select(p => "pod/" + p.Name), "--timeout", "60s"]);
        Assert.True(code == 0, output + err);
        var gone = answers.Count;
        await Poll.Until(() => answers.Count > gone + 20, "traffic after the old pods went");
        await stop.CancelAsync();
        await Task.WhenAll(drivers);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {failures.Count + answers.Count} requests failed: {string.Join("; ", failures.Distinct().Take(5))}");
        var seen = answers.ToArray();
        Assert.Contains(seen, a => a.EndsWith("(v1)\n", StringComparison.Ordinal));
        var late = seen.Skip(gone).Where(a => !a.EndsWith("(v2)\n", StringComparison.Ordinal)).ToList();
        Assert.True(late.Count == 0, $"{late.Count} of {seen.Length - gone} answers after the old pods went came from one ({late.FirstOrDefault()?.Trim()})");
        var now = (await Example.Json(d, "get", "pods", "-l", "app=web", "-o", "json")).GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("metadata").GetProperty("name").GetString()!).ToList();
        Assert.Equal(2, now.Count);
        Assert.Empty(now.Intersect(pods.Select(p => p.Name)));
        Assert.Equal(0, await d.StopAsync());
    }
}
