using k8s.Models;
using MiniKube.Sup.Spec;
using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public class ManifestDefaultsTests
{
    private static T LoadOne<T>(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.Succeeded, Describe(result));
        return Assert.IsType<T>(Assert.Single(result.Objects).Model);
    }

    [Fact]
    public void Pod_with_a_liveness_probe_gets_kubernetes_probe_and_pod_defaults()
    {
        var pod = LoadOne<V1Pod>("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [python3, -m, http.server]
                  livenessProbe:
                    httpGet: {port: 8000}
            """);

        var probe = pod.Spec.Containers[0].LivenessProbe;
        Assert.Equal((10, 1, 1, 3, 0), (probe.PeriodSeconds, probe.TimeoutSeconds, probe.SuccessThreshold, probe.FailureThreshold, probe.InitialDelaySeconds));
        Assert.Equal(("/", "HTTP"), (probe.HttpGet.Path, probe.HttpGet.Scheme));
        Assert.Null(probe.TerminationGracePeriodSeconds); // k8s: nil → the pod's grace period
        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Equal(30, pod.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("File", pod.Spec.Containers[0].TerminationMessagePolicy);
        Assert.Null(pod.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void PriorityClasses_and_StorageClasses_get_the_api_servers_defaults()
    {
        // kubectl describe priorityclass dereferences preemptionPolicy: without the default it crashed.
        var priority = LoadOne<V1PriorityClass>("""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 1000
            """);
        Assert.Equal("PreemptLowerPriority", priority.PreemptionPolicy);
        var storage = LoadOne<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast}
            provisioner: example.com/fast
            """);
        Assert.Equal(("Delete", "Immediate"), (storage.ReclaimPolicy, storage.VolumeBindingMode));
    }

    [Fact]
    public void Values_the_user_wrote_are_kept()
    {
        var pod = LoadOne<V1Pod>("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 5
              containers:
                - name: web
                  command: [sleep, "60"]
                  readinessProbe:
                    tcpSocket: {port: 80}
                    periodSeconds: 2
                    failureThreshold: 1
            """);

        Assert.Equal(("Never", 5L), (pod.Spec.RestartPolicy, pod.Spec.TerminationGracePeriodSeconds));
        Assert.Equal((2, 1), (pod.Spec.Containers[0].ReadinessProbe.PeriodSeconds, pod.Spec.Containers[0].ReadinessProbe.FailureThreshold));
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("localhost:5000/nginx", "Always")]
    [InlineData("localhost:5000/nginx:1.27", "IfNotPresent")]
    [InlineData("nginx@sha256:0123456789abcdef", "IfNotPresent")]
    public void Image_pull_policy_defaults_to_always_only_for_latest_or_untagged_images(string image, string expected)
        => Assert.Equal(expected, ManifestDefaults.DefaultImagePullPolicy(image));

    [Fact]
    public void Deployment_gets_replicas_strategy_history_and_deadline_defaults_and_its_template_pod_defaults()
    {
        var deployment = LoadOne<V1Deployment>("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      command: [sleep, "60"]
                      startupProbe: {exec: {command: ["true"]}}
            """);

        var spec = deployment.Spec;
        Assert.Equal(1, spec.Replicas);
        Assert.Equal("RollingUpdate", spec.Strategy.Type);
        Assert.Equal(("25%", "25%"), (spec.Strategy.RollingUpdate.MaxSurge.Value, spec.Strategy.RollingUpdate.MaxUnavailable.Value));
        Assert.Equal((10, 600), (spec.RevisionHistoryLimit, spec.ProgressDeadlineSeconds));
        Assert.Equal(("Always", 30L), (spec.Template.Spec.RestartPolicy, spec.Template.Spec.TerminationGracePeriodSeconds));
        Assert.Equal(10, spec.Template.Spec.Containers[0].StartupProbe.PeriodSeconds);
    }

    [Fact]
    public void Recreate_deployment_gets_no_rolling_update_parameters()
    {
        var deployment = LoadOne<V1Deployment>("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              strategy: {type: Recreate}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, command: [sleep, "60"]}]}
            """);

        Assert.Null(deployment.Spec.Strategy.RollingUpdate);
    }

    [Fact]
    public void StatefulSet_and_DaemonSet_get_their_update_defaults()
    {
        var result = Load("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, command: [sleep, "60"]}]}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {containers: [{name: agent, command: [sleep, "60"]}]}
            """);

        Assert.True(result.Succeeded, Describe(result));
        var set = Assert.IsType<V1StatefulSet>(result.Objects[0].Model).Spec;
        Assert.Equal((1, "OrderedReady", "RollingUpdate", 0, 10), (set.Replicas, set.PodManagementPolicy, set.UpdateStrategy.Type, set.UpdateStrategy.RollingUpdate.Partition, set.RevisionHistoryLimit));
        Assert.Equal(("Retain", "Retain"), (set.PersistentVolumeClaimRetentionPolicy.WhenDeleted, set.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        var daemon = Assert.IsType<V1DaemonSet>(result.Objects[1].Model).Spec;
        Assert.Equal(("RollingUpdate", "1", "0", 10), (daemon.UpdateStrategy.Type, daemon.UpdateStrategy.RollingUpdate.MaxUnavailable.Value, daemon.UpdateStrategy.RollingUpdate.MaxSurge.Value, daemon.RevisionHistoryLimit));
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("  completions: 5\n", 5, 1)]
    [InlineData("  parallelism: 3\n", null, 3)] // k8s: work-queue mode, completions stays nil
    [InlineData("  completions: 4\n  parallelism: 2\n", 4, 2)]
    public void Job_completions_and_parallelism_follow_the_nil_rules(string specFields, int? completions, int parallelism)
    {
        var yaml = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec:\n" + specFields +
                   "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: step, command: [\"true\"]}]\n";
        var job = LoadOne<V1Job>(yaml);

        Assert.Equal((completions, (int?)parallelism), (job.Spec.Completions, job.Spec.Parallelism));
        Assert.Equal((6, "NonIndexed", false), (job.Spec.BackoffLimit, job.Spec.CompletionMode, job.Spec.Suspend));
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        Assert.Equal(30, job.Spec.Template.Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public void CronJob_gets_policy_suspend_and_history_defaults()
    {
        var cronJob = LoadOne<V1CronJob>("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: backup}
            spec:
              schedule: "@daily"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: backup, command: [backup.sh]}]
            """);

        Assert.Equal(("Allow", false, 3, 1), (cronJob.Spec.ConcurrencyPolicy, cronJob.Spec.Suspend, cronJob.Spec.SuccessfulJobsHistoryLimit, cronJob.Spec.FailedJobsHistoryLimit));
        Assert.Equal(30, cronJob.Spec.JobTemplate.Spec.Template.Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public void Service_gets_type_protocol_target_port_and_session_affinity_defaults()
    {
        var service = LoadOne<V1Service>("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports:
                - port: 80
            """);

        Assert.Equal(("ClusterIP", "None"), (service.Spec.Type, service.Spec.SessionAffinity));
        Assert.Equal(("TCP", "80"), (service.Spec.Ports[0].Protocol, service.Spec.Ports[0].TargetPort.Value));
    }

    [Fact]
    public void Volume_without_a_source_becomes_an_empty_dir()
    {
        var pod = LoadOne<V1Pod>("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: scratch}, {name: conf, configMap: {name: conf}}]
              containers: [{name: web, command: [sleep, "60"]}]
            """);

        Assert.NotNull(pod.Spec.Volumes[0].EmptyDir);
        Assert.Null(pod.Spec.Volumes[1].EmptyDir);
    }
}
