using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Kubernetes' defaulting (<c>pkg/apis/{core,apps,batch}/v1/defaults.go</c>), applied in place so the engine never has
/// to guess an unset field. Only unset (null) fields are filled; values the user wrote are left for validation.
/// Exception on purpose: a Job's (and a CronJob's job template's) pod restartPolicy is not defaulted — Kubernetes
/// requires Never or OnFailure there, so leaving it unset is a validation error.
/// </summary>
public static class ManifestDefaults
{
    public const string DefaultRestartPolicy = "Always";
    public const long DefaultTerminationGracePeriodSeconds = 30;
    public const int DefaultProbePeriodSeconds = 10;
    public const int DefaultProbeTimeoutSeconds = 1;
    public const int DefaultProbeSuccessThreshold = 1;
    public const int DefaultProbeFailureThreshold = 3;
    public const int DefaultProbeInitialDelaySeconds = 0;
    public const int DefaultRevisionHistoryLimit = 10;
    public const int DefaultProgressDeadlineSeconds = 600;
    public const int DefaultJobBackoffLimit = 6;
    public const int DefaultSuccessfulJobsHistoryLimit = 3;
    public const int DefaultFailedJobsHistoryLimit = 1;
    public const int DefaultClientIPTimeoutSeconds = 10800;

    /// <summary>Fills every unset defaulted field of a supported object (pod templates included).</summary>
    public static void Apply(IKubernetesObject<V1ObjectMeta> model)
    {
        switch (model)
        {
            case V1Pod pod:
                ApplyPodSpec(pod.Spec, defaultRestartPolicy: true);
                break;
            case V1ReplicaSet replicaSet when replicaSet.Spec is { } rs:
                rs.Replicas ??= 1;
                rs.MinReadySeconds ??= 0;
                ApplyPodSpec(rs.Template?.Spec, defaultRestartPolicy: true);
                break;
            case V1ReplicationController rc when rc.Spec is { } spec:
                // k8s SetDefaults_ReplicationController: the selector and the object's labels default to the template's labels.
                spec.Replicas ??= 1;
                spec.MinReadySeconds ??= 0;
                if (spec.Template?.Metadata?.Labels is { Count: > 0 } templateLabels)
                {
                    if (spec.Selector is not { Count: > 0 }) spec.Selector = new Dictionary<string, string>(templateLabels);
                    if (rc.Metadata is { Labels: not { Count: > 0 } } meta) meta.Labels = new Dictionary<string, string>(templateLabels);
                }
                ApplyPodSpec(spec.Template?.Spec, defaultRestartPolicy: true);
                break;
            case V1Deployment deployment:
                ApplyDeployment(deployment);
                break;
            case V1StatefulSet statefulSet:
                ApplyStatefulSet(statefulSet);
                break;
            case V1DaemonSet daemonSet:
                ApplyDaemonSet(daemonSet);
                break;
            case V1Job job:
                ApplyJobSpec(job.Spec);
                break;
            case V1CronJob cronJob:
                ApplyCronJob(cronJob);
                break;
            case V1Service service:
                ApplyService(service);
                break;
            case V1Secret secret:
                secret.Type ??= "Opaque";
                break;
            case V1PriorityClass priorityClass:
                // SetDefaults_PriorityClass (kubectl describe priorityclass dereferences it).
                priorityClass.PreemptionPolicy ??= "PreemptLowerPriority";
                break;
            case V1StorageClass storageClass:
                // SetDefaults_StorageClass.
                storageClass.ReclaimPolicy ??= "Delete";
                storageClass.VolumeBindingMode ??= "Immediate";
                break;
            case V1PersistentVolume volume when volume.Spec is { } pv:
                // SetDefaults_PersistentVolume: a volume made by hand is kept when its claim goes.
                pv.PersistentVolumeReclaimPolicy ??= "Retain";
                pv.VolumeMode ??= "Filesystem";
                break;
            case V1NetworkPolicy policy when policy.Spec is { } np:
                ApplyNetworkPolicy(np);
                break;
            case V2HorizontalPodAutoscaler autoscaler when autoscaler.Spec is { } hpa:
                // autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: at least one replica; 80% of the pods' CPU requests.
                hpa.MinReplicas ??= 1;
                if (hpa.Metrics is not { Count: > 0 })
                    hpa.Metrics = [new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } } }];
                break;
        }
    }

    /// <summary>networking/v1 SetDefaults_NetworkPolicy: ports are TCP unless said; a policy without policyTypes
    /// isolates ingress, and egress too when it has egress rules.</summary>
    private static void ApplyNetworkPolicy(V1NetworkPolicySpec spec)
    {
        foreach (var port in (spec.Ingress ?? []).SelectMany(r => r.Ports ?? []).Concat((spec.Egress ?? []).SelectMany(r => r.Ports ?? [])))
            port.Protocol ??= "TCP";
        if (spec.PolicyTypes is { Count: > 0 }) return;
        spec.PolicyTypes = spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];
    }

    /// <summary>SetDefaults_PodSpec + SetDefaults_Container + probe/handler defaults for every container.</summary>
    public static void ApplyPodSpec(V1PodSpec? spec, bool defaultRestartPolicy)
    {
        if (spec is null)
        {
            return;
        }

        if (defaultRestartPolicy)
        {
            spec.RestartPolicy ??= DefaultRestartPolicy;
        }

        spec.TerminationGracePeriodSeconds ??= DefaultTerminationGracePeriodSeconds;
        spec.DnsPolicy ??= "ClusterFirst";
        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
        {
            if (container is not null)
            {
                ApplyContainer(container);
            }
        }

        foreach (var volume in spec.Volumes ?? [])
        {
            if (volume is not null && HasNoSource(volume))
            {
                // k8s: a volume with no source is an emptyDir.
                volume.EmptyDir = new V1EmptyDirVolumeSource();
            }
        }
    }

    public static void ApplyContainer(V1Container container)
    {
        container.TerminationMessagePath ??= "/dev/termination-log";
        container.TerminationMessagePolicy ??= "File";
        if (!string.IsNullOrEmpty(container.Image))
        {
            container.ImagePullPolicy ??= DefaultImagePullPolicy(container.Image);
        }

        foreach (var port in container.Ports ?? [])
        {
            if (port is not null)
            {
                port.Protocol ??= "TCP";
            }
        }

        ApplyProbe(container.LivenessProbe);
        ApplyProbe(container.ReadinessProbe);
        ApplyProbe(container.StartupProbe);
        ApplyHttpGet(container.Lifecycle?.PostStart?.HttpGet);
        ApplyHttpGet(container.Lifecycle?.PreStop?.HttpGet);
    }

    /// <summary>k8s: Always when the tag is :latest or missing (and there is no digest), else IfNotPresent.</summary>
    public static string DefaultImagePullPolicy(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        var tag = colon < 0 ? string.Empty : image[(colon + 1)..];
        return tag.Length == 0 || tag == "latest" ? "Always" : "IfNotPresent";
    }

    public static void ApplyProbe(V1Probe? probe)
    {
        if (probe is null)
        {
            return;
        }

        probe.PeriodSeconds ??= DefaultProbePeriodSeconds;
        probe.TimeoutSeconds ??= DefaultProbeTimeoutSeconds;
        probe.SuccessThreshold ??= DefaultProbeSuccessThreshold;
        probe.FailureThreshold ??= DefaultProbeFailureThreshold;
        probe.InitialDelaySeconds ??= DefaultProbeInitialDelaySeconds;
        ApplyHttpGet(probe.HttpGet);
    }

    private static void ApplyHttpGet(V1HTTPGetAction? action)
    {
        if (action is null)
        {
            return;
        }

        action.Path ??= "/";
        action.Scheme ??= "HTTP";
    }

    private static void ApplyDeployment(V1Deployment deployment)
    {
        var spec = deployment.Spec;
        if (spec is null)
        {
            return;
        }

        spec.Replicas ??= 1;
        spec.Strategy ??= new V1DeploymentStrategy();
        spec.Strategy.Type ??= "RollingUpdate";
        if (spec.Strategy.Type == "RollingUpdate")
        {
            spec.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
            spec.Strategy.RollingUpdate.MaxUnavailable ??= "25%";
            spec.Strategy.RollingUpdate.MaxSurge ??= "25%";
        }

        spec.RevisionHistoryLimit ??= DefaultRevisionHistoryLimit;
        spec.ProgressDeadlineSeconds ??= DefaultProgressDeadlineSeconds;
        ApplyPodSpec(spec.Template?.Spec, defaultRestartPolicy: true);
    }

    private static void ApplyStatefulSet(V1StatefulSet statefulSet)
    {
        var spec = statefulSet.Spec;
        if (spec is null)
        {
            return;
        }

        spec.Replicas ??= 1;
        spec.PodManagementPolicy ??= "OrderedReady";
        spec.UpdateStrategy ??= new V1StatefulSetUpdateStrategy();
        spec.UpdateStrategy.Type ??= "RollingUpdate";
        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateStatefulSetStrategy();
            spec.UpdateStrategy.RollingUpdate.Partition ??= 0;
        }

        spec.RevisionHistoryLimit ??= DefaultRevisionHistoryLimit;
        spec.PersistentVolumeClaimRetentionPolicy ??= new V1StatefulSetPersistentVolumeClaimRetentionPolicy();
        spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted ??= "Retain";
        spec.PersistentVolumeClaimRetentionPolicy.WhenScaled ??= "Retain";
        ApplyPodSpec(spec.Template?.Spec, defaultRestartPolicy: true);
    }

    private static void ApplyDaemonSet(V1DaemonSet daemonSet)
    {
        var spec = daemonSet.Spec;
        if (spec is null)
        {
            return;
        }

        spec.UpdateStrategy ??= new V1DaemonSetUpdateStrategy();
        spec.UpdateStrategy.Type ??= "RollingUpdate";
        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateDaemonSet();
            spec.UpdateStrategy.RollingUpdate.MaxUnavailable ??= 1;
            spec.UpdateStrategy.RollingUpdate.MaxSurge ??= 0;
        }

        spec.RevisionHistoryLimit ??= DefaultRevisionHistoryLimit;
        ApplyPodSpec(spec.Template?.Spec, defaultRestartPolicy: true);
    }

    /// <summary>SetDefaults_Job. Public so that the CronJob controller can default the Jobs it creates from a template.</summary>
    public static void ApplyJobSpec(V1JobSpec? spec)
    {
        if (spec is null)
        {
            return;
        }

        // k8s: both unset → 1/1; only completions set → parallelism 1; only parallelism set → completions stays
        // nil (work-queue mode: done when one pod succeeded and none is active).
        if (spec.Completions is null && spec.Parallelism is null)
        {
            spec.Completions = 1;
        }

        spec.Parallelism ??= 1;
        spec.BackoffLimit ??= spec.BackoffLimitPerIndex is null ? DefaultJobBackoffLimit : int.MaxValue;
        spec.CompletionMode ??= "NonIndexed";
        spec.Suspend ??= false;
        spec.ManualSelector ??= false;
        spec.PodReplacementPolicy ??= spec.PodFailurePolicy is null ? "TerminatingOrFailed" : "Failed";
        ApplyPodSpec(spec.Template?.Spec, defaultRestartPolicy: false);
    }

    private static void ApplyCronJob(V1CronJob cronJob)
    {
        var spec = cronJob.Spec;
        if (spec is null)
        {
            return;
        }

        spec.ConcurrencyPolicy ??= "Allow";
        spec.Suspend ??= false;
        spec.SuccessfulJobsHistoryLimit ??= DefaultSuccessfulJobsHistoryLimit;
        spec.FailedJobsHistoryLimit ??= DefaultFailedJobsHistoryLimit;

        // k8s: only the embedded pod spec is defaulted here; the Job fields are defaulted when a Job is created
        // from the template (ApplyJobSpec).
        ApplyPodSpec(spec.JobTemplate?.Spec?.Template?.Spec, defaultRestartPolicy: false);
    }

    private static void ApplyService(V1Service service)
    {
        var spec = service.Spec;
        if (spec is null)
        {
            return;
        }

        spec.Type ??= "ClusterIP";
        spec.SessionAffinity ??= "None";
        if (spec.SessionAffinity == "ClientIP")
        {
            spec.SessionAffinityConfig ??= new V1SessionAffinityConfig();
            spec.SessionAffinityConfig.ClientIP ??= new V1ClientIPConfig();
            spec.SessionAffinityConfig.ClientIP.TimeoutSeconds ??= DefaultClientIPTimeoutSeconds;
        }

        foreach (var port in spec.Ports ?? [])
        {
            if (port is null)
            {
                continue;
            }

            port.Protocol ??= "TCP";
            port.TargetPort ??= port.Port;
        }
    }

    private static bool HasNoSource(V1Volume volume)
    {
        foreach (var (name, property) in SchemaWalker.PropertiesOf(typeof(V1Volume)))
        {
            if (name != "name" && property.Get?.Invoke(volume) is not null)
            {
                return false;
            }
        }

        return true;
    }
}
