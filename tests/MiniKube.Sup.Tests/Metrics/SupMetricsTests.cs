using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Metrics;
using MiniKube.Sup.Probes;

namespace MiniKube.Sup.Tests.Metrics;

public sealed class SupMetricsTests
{
    [Fact]
    public void Series_of_deleted_pods_and_cronjobs_and_of_gone_namespaces_are_pruned()
    {
        var m = new SupMetrics();
        m.ProbeTotal.Increment("default", "kept", "app", "Readiness", "successful");
        m.ProbeTotal.Increment("default", "gone", "app", "Readiness", "failed");
        m.ProbeDuration.Observe(0.01, "default", "gone", "app", "Readiness");
        m.CronJobLateness.Observe(0.2, "team", "nightly");
        m.JobDuration.Observe(3, "team", "Complete");

        m.Prune(new HashSet<(string, string)> { ("default", "kept") }, new HashSet<(string, string)>(), new HashSet<string> { "default" });

        var w = new PrometheusTextWriter();
        m.Write(w);
        var text = w.ToString();
        Assert.Contains("pod=\"kept\"", text);
        Assert.DoesNotContain("gone", text);
        Assert.DoesNotContain("nightly", text);
        Assert.DoesNotContain("team", text);
    }

    [Theory]
    [InlineData(ProbeStatus.Success, "successful")]
    [InlineData(ProbeStatus.Warning, "successful")]
    [InlineData(ProbeStatus.Failure, "failed")]
    [InlineData(ProbeStatus.Error, "unknown")]
    public async Task A_probe_attempt_is_counted_with_kubelets_result_and_timed(ProbeStatus status, string result)
    {
        var time = TestClock.Create();
        var m = new SupMetrics();
        var prober = new MeasuredProber(new SlowProber(time, TimeSpan.FromMilliseconds(300), status), m, time, "ns", "web", "app");
        var request = new ProbeRequest(ProbePurpose.Liveness, ProbeAction.From(new k8s.Models.V1Probe { Exec = new k8s.Models.V1ExecAction { Command = ["true"] } }),
            new ProbeTarget("web", null, new k8s.Models.V1Container { Name = "app" }, null!), TimeSpan.FromSeconds(1));

        var outcome = await prober.ProbeAsync(request, CancellationToken.None);

        Assert.Equal(status, outcome.Status);
        Assert.Equal(1, m.ProbeTotal.Value("ns", "web", "app", "Liveness", result));
        var histogram = m.ProbeDuration.Snapshot("ns", "web", "app", "Liveness")!;
        Assert.Equal(0.3, histogram.Sum, 3);
    }

    [Fact]
    public async Task A_lifecycle_hook_is_not_counted_as_a_probe()
    {
        var time = TestClock.Create();
        var m = new SupMetrics();
        var prober = new MeasuredProber(new SlowProber(time, TimeSpan.Zero, ProbeStatus.Success), m, time, "ns", "web", "app");
        var request = new ProbeRequest(ProbePurpose.PostStart, ProbeAction.From(new k8s.Models.V1LifecycleHandler { Exec = new k8s.Models.V1ExecAction { Command = ["true"] } }),
            new ProbeTarget("web", null, new k8s.Models.V1Container { Name = "app" }, null!), Timeout.InfiniteTimeSpan);
        await prober.ProbeAsync(request, CancellationToken.None);
        var w = new PrometheusTextWriter();
        m.Write(w);
        Assert.Equal("", w.ToString());
    }

    /// <summary>Answers after advancing the fake clock by its duration: the attempt "took" that long.</summary>
    private sealed class SlowProber(FakeTimeProvider time, TimeSpan duration, ProbeStatus status) : IProber
    {
        public Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
        {
            time.Advance(duration);
            return Task.FromResult(new ProbeOutcome(status, ""));
        }
    }
}
