using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MiniKube.Sup.EndToEnd.Dashboard;

/// <summary>The web dashboard (/ui/) in a real headless chromium against a real daemon: it is opened through the
/// address `sup dashboard` prints, follows a pod's readiness both ways, scales a Deployment, restarts one, runs a
/// CronJob now, shows the process tree and a log that follows, and shows nothing without the token. With
/// SUP_DASHBOARD_SCREENSHOTS set to a directory, the views' screenshots are written there (docs/images holds them).</summary>
public sealed class DashboardTests
{
    private const double Seconds = 30;

    // Expect(...) retries its assertion for up to this long (a probe period, a rollout, a pod's start).
    static DashboardTests() => SetDefaultExpectTimeout((float)(Seconds * 1000));

    private static string Manifest(string unready) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: api, labels: {app: api}}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--http", "8080", "--unready-when-exists", "{{{unready}}}"]
              readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1, failureThreshold: 1}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - {name: server, command: ["TESTAPP"], args: ["--print", "serving", "--workers", "3"]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: clock}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
            - name: tick
              command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.5; done"]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: backup}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: dump, command: ["sh", "-c", "echo backup done"]}
        """;

    [Fact]
    public async Task The_page_shows_a_pod_going_not_ready_and_ready_again()
    {
        await using var d = Daemon();
        var unready = Path.Combine(d.Dir, "unready");
        await d.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.OpenAsync(await DashboardUrlAsync(d));
        // The token left the address bar as soon as the page took it.
        Assert.DoesNotContain("token", page.Url);

        var ready = page.Locator("#pods tr[data-pod=api] td.ready");
        await Expect(ready).ToHaveTextAsync("1/1");
        await Expect(page.Locator("#pods tr[data-pod=api] td.status")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#workloads tr[data-kind=Deployment][data-name=web] td.ready")).ToHaveTextAsync("1/1");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        await ScreenshotAsync(page, "workloads");

        File.WriteAllText(unready, "");
        await Expect(ready).ToHaveTextAsync("0/1");
        Assert.Equal("False", (await d.Kubectl("get", "pod", "api", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Out);
        // Not ready is not dead: still Running, never restarted.
        await Expect(page.Locator("#pods tr[data-pod=api] td.status")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#pods tr[data-pod=api] td.restarts")).ToHaveTextAsync("0");
        await ScreenshotAsync(page, "not-ready");

        File.Delete(unready);
        await Expect(ready).ToHaveTextAsync("1/1");
        Assert.Equal("True", (await d.Kubectl("get", "pod", "api", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Out);

        await page.Context.CloseAsync();
        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_click_scales_a_Deployment_and_others_restart_it_and_run_a_CronJob_now()
    {
        await using var d = Daemon();
        await d.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.OpenAsync(await DashboardUrlAsync(d));
        var web = page.Locator("#workloads tr[data-kind=Deployment][data-name=web]");
        await Expect(web.Locator("td.ready")).ToHaveTextAsync("1/1");

        await web.Locator("input.replicas").FillAsync("3");
        await web.Locator("button.scale").ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync("deployment.apps/web scaled to 3");
        Assert.Equal("3", (await d.Kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).Out);
        await Expect(web.Locator("td.ready")).ToHaveTextAsync("3/3");
        await Expect(page.Locator("#pods tr[data-pod^=web-]")).ToHaveCountAsync(3);

        // Restart: kubectl rollout restart's annotation on the pod template, and a rollout that replaces the pods.
        var before = (await d.Kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")).Out.Split(' ');
        await web.Locator("button.restart").ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync("deployment.apps/web restarted");
        var restartedAt = (await d.Kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}")).Out;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", restartedAt);
        await Poll.Until(() =>
        {
            var now = d.Kubectl("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}").GetAwaiter().GetResult().Out.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return now.Length == 3 && !now.Intersect(before).Any();
        }, "three new web pods", Seconds);
        await Expect(web.Locator("td.ready")).ToHaveTextAsync("3/3");

        // Run now: a Job made from the CronJob's template, as kubectl create job --from=cronjob/backup makes it.
        await page.Locator("#workloads tr[data-kind=CronJob][data-name=backup] button.run-now").ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^job.batch/backup-manual-[a-z0-9]+ created$"));
        var job = (await page.Locator("#action-result").TextContentAsync())!.Split(' ')[0]["job.batch/".Length..];
        var (_, owner, _) = await d.Kubectl("get", "job", job, "-o", "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}");
        Assert.Equal("CronJob/backup manual", owner);
        await Expect(page.Locator($"#workloads tr[data-kind=Job][data-name={job}] td.status")).ToHaveTextAsync("Complete");
        await Assert_the_other_views_show_processes_logs_and_events(page);

        await page.Context.CloseAsync();
        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>Chromium drops a request when it sees the host's network change (a container engine's new interface:
    /// "Failed to fetch" in the CI of 7fb0865, where a scale click failed so): the dashboard sends it again. Here the
    /// page's first scale request is dropped before it leaves, and its first Job creation after the daemon made the
    /// Job: the scale happens, and the run makes one Job, not two.</summary>
    [Fact]
    public async Task A_click_whose_request_the_browser_drops_on_a_network_change_is_sent_again_once()
    {
        await using var d = Daemon();
        await d.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.OpenAsync(await DashboardUrlAsync(d));
        var scales = 0;
        await page.RouteAsync("**/deployments/web/scale", async route =>
        {
            if (Interlocked.Increment(ref scales) == 1) await route.AbortAsync("internetdisconnected");
            else await route.ContinueAsync();
        });
        var creations = 0;
        await page.RouteAsync("**/namespaces/default/jobs", async route =>
        {
            if (route.Request.Method != "POST") await route.ContinueAsync();
            else if (Interlocked.Increment(ref creations) == 1)
            {
                await route.FetchAsync(); // it reaches the daemon, and its answer is lost
                await route.AbortAsync("internetdisconnected");
            }
            else await route.ContinueAsync();
        });
        var web = page.Locator("#workloads tr[data-kind=Deployment][data-name=web]");
        await Expect(web.Locator("td.ready")).ToHaveTextAsync("1/1");

        await web.Locator("input.replicas").FillAsync("2");
        await web.Locator("button.scale").ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync("deployment.apps/web scaled to 2");
        Assert.Equal(2, scales);
        Assert.Equal("2", (await d.Kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).Out);

        await page.Locator("#workloads tr[data-kind=CronJob][data-name=backup] button.run-now").ClickAsync();
        await Expect(page.Locator("#action-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^job.batch/backup-manual-[a-z0-9]+ created$"));
        Assert.Equal(2, creations);
        var job = (await page.Locator("#action-result").TextContentAsync())!.Split(' ')[0]["job.batch/".Length..];
        Assert.Equal(job, (await d.Kubectl("get", "jobs", "-o", "jsonpath={.items[*].metadata.name}")).Out.Trim());

        await page.Context.CloseAsync();
        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    private static async Task Assert_the_other_views_show_processes_logs_and_events(IPage page)
    {
        await ScreenshotAsync(page, "scaled");
        await page.Locator("#tabs button[data-view=processes]").ClickAsync();
        // Each web pod: its master and its three workers, with their memory.
        await Expect(page.Locator("#processes tr.master[data-pod^=web-]")).ToHaveCountAsync(3);
        await Expect(page.Locator("#processes tr.worker[data-pod^=web-]")).ToHaveCountAsync(9);
        await Expect(page.Locator("#processes tr.master[data-pod^=web-] td.memory").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[\d.]+ (KiB|MiB)$"));
        // CPU as the page writes it: a percentage with one decimal (toFixed(1)), never NaN or empty.
        await Expect(page.Locator("#processes tr.master[data-pod^=web-] td.cpu").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d$"));
        await ScreenshotAsync(page, "processes");

        await page.Locator("#tabs button[data-view=events]").ClickAsync();
        await Expect(page.Locator("#events tbody tr").Filter(new() { HasText = "Scaled up replica set web-" }).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "events");

        // Logs that follow: lines the pod writes after the log was opened keep arriving.
        await page.Locator("#tabs button[data-view=overview]").ClickAsync();
        await page.Locator("#pods tr[data-pod=clock] button.logs").ClickAsync();
        var log = page.Locator("#log");
        await Expect(log).ToContainTextAsync("tick ");
        var last = (await log.TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        var next = int.Parse(last["tick ".Length..]) + 3;
        await Expect(log).ToContainTextAsync($"tick {next}\n");
        await Expect(page.Locator("#log-state")).ToHaveTextAsync("following");
        await ScreenshotAsync(page, "logs");
    }

    [Fact]
    public async Task A_log_view_whose_connection_breaks_follows_on_from_its_last_line_without_repeating_one()
    {
        await using var d = Daemon();
        await d.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.OpenAsync(await DashboardUrlAsync(d));
        await page.Locator("#pods tr[data-pod=clock] button.logs").ClickAsync();
        var log = page.Locator("#log");
        await Expect(log).ToContainTextAsync("tick 2\n");
        await Expect(page.Locator("#log-state")).ToHaveTextAsync("following");

        // The page's connections break (as when Chromium drops them on a network change): the kernel aborts every
        // TCP connection to the daemon's port (ss -K); the view reconnects a second later and follows on.
        var port = new Uri(page.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A network change of the engine tests alongside may have closed them a moment before (ss then finds none and
        // fails): the page connects again within a second, and that connection is the one aborted.
        var (code, killed, error) = (0, "", "");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (code, killed, error) = await SupDaemon.Run("ss", ["-K", "dst", "127.0.0.1", "dport", "=", port]);
            if (code == 0 && killed.Contains(":" + port)) break;
            await Task.Delay(500);
        }
        Assert.True(code == 0 && killed.Contains(":" + port), $"ss -K: {killed}{error}");
        var last = int.Parse((await log.TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()["tick ".Length..]);
        await Expect(log).ToContainTextAsync($"tick {last + 3}\n");

        // Every tick once, in order, none lost while the connection was down.
        var lines = (await log.TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, lines.Length).Select(i => $"tick {i}"), lines);

        await page.Context.CloseAsync();
        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Without_the_token_the_page_shows_nothing_and_the_API_refuses_it()
    {
        await using var d = Daemon();
        await d.StartAsync();
        var url = await DashboardUrlAsync(d);
        var address = url[..url.IndexOf('#')];
        await using var browser = await Chromium.LaunchAsync();

        var page = await browser.OpenAsync(address);
        await Expect(page.Locator("#auth")).ToBeVisibleAsync();
        await Expect(page.Locator("#auth-message")).ToHaveTextAsync("This page has no token.");
        await Expect(page.Locator("#main")).ToBeHiddenAsync();
        // What the page would call, called without the token: 401, as for any client.
        Assert.Equal(401, await page.EvaluateAsync<int>("fetch('/api/v1/pods').then(r => r.status)"));
        Assert.Equal(401, await page.EvaluateAsync<int>("fetch('/sup/v1/processes', {headers: {Authorization: 'Bearer wrong'}}).then(r => r.status)"));
        await ScreenshotAsync(page, "no-token");

        var wrong = await browser.OpenAsync(address + "#token=0123456789abcdef");
        await Expect(wrong.Locator("#auth-message")).ToContainTextAsync("401 Unauthorized");
        await Expect(wrong.Locator("#main")).ToBeHiddenAsync();
        await Expect(wrong.Locator("#pods tbody tr")).ToHaveCountAsync(0);

        // The page itself is served without the token, and only the page: no other path under /ui/ is.
        var other = await page.EvaluateAsync<int>("fetch('/ui/secret').then(r => r.status)");
        Assert.Equal(401, other);

        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_page_whose_script_did_not_load_says_to_reload_it_and_a_reload_brings_it_back()
    {
        await using var d = Daemon();
        await d.StartAsync();
        var url = await DashboardUrlAsync(d);
        await using var browser = await Chromium.LaunchAsync();
        // The script's request fails as a dropped connection or a network change makes it fail: the page is only HTML.
        var page = await browser.OpenAsync(url, p => p.RouteAsync("**/dashboard.js", route => route.AbortAsync("connectionreset")));
        await Expect(page.Locator("#not-loaded")).ToBeVisibleAsync();
        await Expect(page.Locator("#not-loaded")).ToContainTextAsync("reload the page");
        await Expect(page.Locator("#main")).ToBeHiddenAsync();

        // The token is still in the address (no script took it): a reload with the script served is the whole page.
        await page.UnrouteAllAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("#pods tr[data-pod=api] td.status")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#not-loaded")).ToHaveCountAsync(0);

        await browser.DisposeAsync();
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>A daemon of <see cref="Manifest"/>: the api pod is not ready while &lt;dir&gt;/unready exists.</summary>
    private static SupDaemon Daemon()
    {
        var d = new SupDaemon("");
        d.WriteManifest(Manifest(Path.Combine(d.Dir, "unready")));
        return d;
    }

    /// <summary>The address `sup dashboard` prints: the daemon's https listener, /ui/, the token after '#'.</summary>
    private static async Task<string> DashboardUrlAsync(SupDaemon d)
    {
        var (code, output, err) = await d.Sup("dashboard");
        Assert.True(code == 0, err);
        var url = output.Trim();
        Assert.Matches(@"^https://127\.0\.0\.1:\d+/ui/#token=[0-9a-f]{48}$", url);
        Assert.EndsWith(File.ReadAllText(Path.Combine(d.StateDir, "token")).Trim(), url);
        return url;
    }

    private static async Task ScreenshotAsync(IPage page, string view)
    {
        var bytes = await page.ScreenshotAsync(new() { FullPage = true });
        Assert.True(bytes.Length > 0);
        if (Environment.GetEnvironmentVariable("SUP_DASHBOARD_SCREENSHOTS") is { Length: > 0 } dir)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"dashboard-{view}.png"), bytes);
    }
}
