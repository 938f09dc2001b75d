using System.Collections.Concurrent;
using System.Net;
using MiniKube.Sup.EndToEnd.Examples;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>examples/nginx-image under a real engine (<see cref="PodmanNginxImageExampleTests"/>,
/// <see cref="DockerNginxImageExampleTests"/>): 2 replicas of the nginx image tests/images/build.sh assembles from the
/// host's package, each published on its own pod address, behind a Service on 127.0.0.1, and a rolling update to a
/// new image tag under traffic that loses no request.</summary>
public abstract class NginxImageExampleTests(TestEngine engine)
{
    [Fact]
    public async Task Two_image_replicas_serve_on_their_own_addresses_and_a_rolling_update_to_a_new_tag_under_traffic_loses_no_request()
    {
        await using var d = await ImagePods.StartAsync(Example.Manifest("nginx-image"), engine.DaemonArguments);
        var (code, output, err) = await d.Sup("wait", "--for=condition=Available", "deployment/web", "--timeout", "90s");
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
        // Each replica's port 80, published by the engine on its pod's loopback address; the name is the container's
        // hostname, which is its pod's.
        foreach (var (name, ip) in pods)
        {
            Assert.StartsWith("127.", ip);
            Assert.StartsWith($"served by {name} (nginx ", await http.GetStringAsync($"http://{ip}:80/"));
        }

        // Traffic through the Service while the image changes (nginx:1.14.2 -> 1.16.1): every request answered.
        var answers = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        async Task DriveAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("http://127.0.0.1:8480/");
                    if (response.StatusCode == HttpStatusCode.OK) answers.Enqueue(await response.Content.ReadAsStringAsync());
                    else failures.Enqueue(response.StatusCode.ToString());
                }
                catch (HttpRequestException e) { failures.Enqueue(e.Message); }
                catch (TaskCanceledException e) when (!stop.IsCancellationRequested) { failures.Enqueue(e.Message); }
            }
        }
        var drivers = Enumerable.Range(0, 4).Select(_ => Task.Run(DriveAsync)).ToArray();
        await Poll.Until(() => answers.Count > 20, "traffic flowing");
        d.WriteManifest(Example.Manifest("nginx-image").Replace("nginx:1.14.2", "nginx:1.16.1"));
        (code, output, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, output + err);
        (code, output, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "90s");
        Assert.True(code == 0, output + err + d.Process.Output);
        // The old pods drain (preStop) and go, under traffic. Between the Deployment's status saying done and the old
        // pod's endpoint leaving the Service's rules there are a few milliseconds, as under kube-proxy: a request
        // routed there then is still served, by the draining pod, never lost.
        (code, output, err) = await d.Sup(["wait", "--for=delete", .. pods.Select(p => "pod/" + p.Name), "--timeout", "60s"]);
        Assert.True(code == 0, output + err);
        var gone = answers.Count;
        await Poll.Until(() => answers.Count > gone + 20, "traffic after the old pods went");
        await stop.CancelAsync();
        await Task.WhenAll(drivers);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {failures.Count + answers.Count} requests failed: {string.Join("; ", failures.Distinct().Take(5))}\n{d.Process.Output}");
        var seen = answers.ToArray();
        bool FromOld(string answer) => pods.Any(p => answer.StartsWith($"served by {p.Name} ", StringComparison.Ordinal));
        Assert.Contains(seen, FromOld);
        var late = seen.Skip(gone).Where(FromOld).ToList();
        Assert.True(late.Count == 0, $"{late.Count} of {seen.Length - gone} answers after the old pods went came from one ({late.FirstOrDefault()?.Trim()})");
        var now = (await Example.Json(d, "get", "pods", "-l", "app=web", "-o", "json")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, now.Count);
        Assert.All(now, p =>
        {
            var name = p.GetProperty("metadata").GetProperty("name").GetString()!;
            Assert.DoesNotContain(name, pods.Select(o => o.Name));
            Assert.Equal("docker.io/library/nginx:1.16.1", p.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString());
            Assert.Contains(seen.Skip(gone), a => a.StartsWith($"served by {name} ", StringComparison.Ordinal));
        });
        Assert.Equal(0, await d.StopAsync());
    }
}
