using k8s;
using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Metrics;

namespace MiniKube.Sup.Tests.Metrics;

public sealed class KubeStateMetricsTests
{
    private static readonly DateTime Created = TestClock.Start.UtcDateTime;

    private static string Write(params IKubernetesObject<V1ObjectMeta>[] objects)
    {
        var w = new PrometheusTextWriter();
        KubeStateMetrics.Write(w, objects, MetricsEndpoint.NextSchedule);
        return w.ToString();
    }

    private static V1Pod Pod(string name, string phase, string ready, params V1ContainerStatus[] containers) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, CreationTimestamp = Created },
        Spec = new V1PodSpec { NodeName = "host" },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = "127.0.1.2",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready }],
            ContainerStatuses = containers,
        },
    };

    [Fact]
    public void A_pod_has_one_phase_series_per_phase_with_1_for_the_current_one()
    {
        var text = Write(Pod("web", "Running", "True"));
        Assert.Contains("kube_pod_status_phase{namespace=\"default\",pod=\"web\",uid=\"uid-web\",phase=\"Running\"} 1\n", text);
        foreach (var other in new[] { "Pending", "Succeeded", "Failed", "Unknown" })
            Assert.Contains($"kube_pod_status_phase{{namespace=\"default\",pod=\"web\",uid=\"uid-web\",phase=\"{other}\"}} 0\n", text);
        Assert.Contains("# TYPE kube_pod_status_phase gauge\n", text);
        Assert.Contains("kube_pod_info{namespace=\"default\",pod=\"web\",uid=\"uid-web\",host_ip=\"\",pod_ip=\"127.0.1.2\",node=\"host\"", text);
        Assert.Contains($"kube_pod_created{{namespace=\"default\",pod=\"web\",uid=\"uid-web\"}} {TestClock.Start.ToUnixTimeSeconds()}\n", text);
    }

    [Theory]
    [InlineData("True", "true")]
    [InlineData("False", "false")]
    [InlineData(null, "unknown")]
    public void Pod_readiness_is_one_series_per_condition_value(string? status, string current)
    {
        var text = Write(Pod("web", "Running", status!));
        foreach (var v in new[] { "true", "false", "unknown" })
            Assert.Contains($"kube_pod_status_ready{{namespace=\"default\",pod=\"web\",uid=\"uid-web\",condition=\"{v}\"}} {(v == current ? 1 : 0)}\n", text);
    }

    [Fact]
    public void Container_restarts_and_states_carry_their_reasons()
    {
        var text = Write(Pod("crasher", "Running", "False",
            new V1ContainerStatus
            {
                Name = "app", RestartCount = 4, Ready = false,
                State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
                LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = 3 } },
            },
            new V1ContainerStatus { Name = "side", RestartCount = 0, Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning() } }));
        const string App = "namespace=\"default\",pod=\"crasher\",uid=\"uid-crasher\",container=\"app\"";
        const string Side = "namespace=\"default\",pod=\"crasher\",uid=\"uid-crasher\",container=\"side\"";
        Assert.Contains("# TYPE kube_pod_container_status_restarts_total counter\n", text);
        Assert.Contains($"kube_pod_container_status_restarts_total{{{App}}} 4\n", text);
        Assert.Contains($"kube_pod_container_status_waiting{{{App}}} 1\n", text);
        Assert.Contains($"kube_pod_container_status_waiting_reason{{{App},reason=\"CrashLoopBackOff\"}} 1\n", text);
        Assert.Contains($"kube_pod_container_status_running{{{App}}} 0\n", text);
        Assert.Contains($"kube_pod_container_status_last_terminated_reason{{{App},reason=\"Error\"}} 1\n", text);
        Assert.Contains($"kube_pod_container_status_last_terminated_exitcode{{{App}}} 3\n", text);
        Assert.Contains($"kube_pod_container_status_running{{{Side}}} 1\n", text);
        Assert.Contains($"kube_pod_container_status_ready{{{Side}}} 1\n", text);
        Assert.DoesNotContain("kube_pod_container_status_terminated_reason", text);
    }

    [Fact]
    public void Workloads_report_spec_and_status_replicas()
    {
        var text = Write(
            new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Generation = 2 },
                Spec = new V1DeploymentSpec { Replicas = 3 },
                Status = new V1DeploymentStatus { Replicas = 3, ReadyReplicas = 2, AvailableReplicas = 2, UnavailableReplicas = 1, UpdatedReplicas = 3 },
            },
            new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "shop" }, Spec = new V1StatefulSetSpec { Replicas = 2 }, Status = new V1StatefulSetStatus { Replicas = 2, ReadyReplicas = 1 } },
            new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "shop" }, Status = new V1DaemonSetStatus { DesiredNumberScheduled = 1, NumberReady = 1 } });
        Assert.Contains("kube_deployment_spec_replicas{namespace=\"shop\",deployment=\"web\"} 3\n", text);
        Assert.Contains("kube_deployment_status_replicas_available{namespace=\"shop\",deployment=\"web\"} 2\n", text);
        Assert.Contains("kube_deployment_status_replicas_ready{namespace=\"shop\",deployment=\"web\"} 2\n", text);
        Assert.Contains("kube_deployment_status_replicas_unavailable{namespace=\"shop\",deployment=\"web\"} 1\n", text);
        Assert.Contains("kube_deployment_metadata_generation{namespace=\"shop\",deployment=\"web\"} 2\n", text);
        Assert.Contains("kube_statefulset_replicas{namespace=\"shop\",statefulset=\"db\"} 2\n", text);
        Assert.Contains("kube_statefulset_status_replicas_ready{namespace=\"shop\",statefulset=\"db\"} 1\n", text);
        Assert.Contains("kube_daemonset_status_desired_number_scheduled{namespace=\"shop\",daemonset=\"agent\"} 1\n", text);
        Assert.Contains("kube_daemonset_status_number_ready{namespace=\"shop\",daemonset=\"agent\"} 1\n", text);
    }

    [Fact]
    public void Jobs_report_counts_and_completion_and_cronjobs_their_last_and_next_schedule()
    {
        var last = new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc);
        var text = Write(
            new V1Job
            {
                Metadata = new V1ObjectMeta { Name = "nightly-29440325", NamespaceProperty = "default", OwnerReferences = [new V1OwnerReference { Kind = "CronJob", Name = "nightly", Controller = true }] },
                Spec = new V1JobSpec { Completions = 1 },
                Status = new V1JobStatus
                {
                    Succeeded = 1, StartTime = last, CompletionTime = last.AddSeconds(7),
                    Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }],
                },
            },
            new V1CronJob
            {
                Metadata = new V1ObjectMeta { Name = "nightly", NamespaceProperty = "default", CreationTimestamp = Created },
                Spec = new V1CronJobSpec { Schedule = "*/5 * * * *", TimeZone = "Etc/UTC" },
                Status = new V1CronJobStatus { LastScheduleTime = last, Active = [] },
            });
        const string Job = "namespace=\"default\",job_name=\"nightly-29440325\"";
        Assert.Contains($"kube_job_status_succeeded{{{Job}}} 1\n", text);
        Assert.Contains($"kube_job_status_failed{{{Job}}} 0\n", text);
        Assert.Contains($"kube_job_status_active{{{Job}}} 0\n", text);
        Assert.Contains($"kube_job_complete{{{Job},condition=\"true\"}} 1\n", text);
        Assert.Contains($"kube_job_complete{{{Job},condition=\"false\"}} 0\n", text);
        Assert.Contains($"kube_job_owner{{{Job},owner_kind=\"CronJob\",owner_name=\"nightly\",owner_is_controller=\"true\"}} 1\n", text);
        Assert.Contains($"kube_job_status_completion_time{{{Job}}} {new DateTimeOffset(last).ToUnixTimeSeconds() + 7}\n", text);
        Assert.DoesNotContain("kube_job_failed{", text);
        Assert.Contains($"kube_cronjob_status_last_schedule_time{{namespace=\"default\",cronjob=\"nightly\"}} {new DateTimeOffset(last).ToUnixTimeSeconds()}\n", text);
        Assert.Contains($"kube_cronjob_next_schedule_time{{namespace=\"default\",cronjob=\"nightly\"}} {new DateTimeOffset(last).ToUnixTimeSeconds() + 300}\n", text);
        Assert.Contains("kube_cronjob_info{namespace=\"default\",cronjob=\"nightly\",schedule=\"*/5 * * * *\",concurrency_policy=\"Allow\",timezone=\"Etc/UTC\"} 1\n", text);
    }

    [Fact]
    public void Services_report_their_info_and_type()
    {
        var text = Write(new V1Service { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" }, Spec = new V1ServiceSpec { ClusterIP = "127.0.2.1", Type = "NodePort" } });
        Assert.Contains("kube_service_info{namespace=\"default\",service=\"web\",uid=\"u1\",cluster_ip=\"127.0.2.1\",external_name=\"\",load_balancer_ip=\"\"} 1\n", text);
        Assert.Contains("kube_service_spec_type{namespace=\"default\",service=\"web\",uid=\"u1\",type=\"NodePort\"} 1\n", text);
    }

    [Fact]
    public void Nothing_in_the_store_writes_no_kube_families() => Assert.Equal("", Write());
}
