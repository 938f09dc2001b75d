using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Semantic validation of loaded (and defaulted) objects, as the Kubernetes API server would do it, narrowed to what
/// one host can run. Every error is collected with its field path; none is thrown.
/// Fields that mean nothing on one host (nodeSelector, tolerations, affinity, resources) are accepted silently.
/// </summary>
internal static class ManifestValidator
{
    /// <summary>Where an object without metadata.namespace goes.</summary>
    public const string DefaultNamespace = "default";

    public static void Validate(ParsedDocument document, ManifestLoadOptions options, List<ManifestError> errors)
    {
        var scope = new ValidationScope(document, options, errors);
        ValidateMetadata(scope, document.Model.Metadata, "metadata", document.Kind);
        switch (document.Model)
        {
            case V1Pod pod:
                PodSpecValidator.Validate(scope, pod.Spec, "spec", Kinds.Pod.Kind, pod.Metadata, "metadata");
                break;
            case V1Deployment deployment:
                ValidateDeployment(scope, deployment.Spec);
                break;
            case V1ReplicaSet replicaSet:
                ValidateReplicaSet(scope, replicaSet.Spec);
                break;
            case V1ReplicationController rc:
                ValidateReplicationController(scope, rc.Spec);
                break;
            case V1StatefulSet statefulSet:
                ValidateStatefulSet(scope, statefulSet.Spec);
                break;
            case V1DaemonSet daemonSet:
                ValidateDaemonSet(scope, daemonSet.Spec);
                break;
            case V1Job job:
                ValidateJobSpec(scope, job.Spec, "spec", Kinds.Job.Kind);
                break;
            case V1CronJob cronJob:
                ValidateCronJob(scope, cronJob);
                break;
            case V1Service service:
                ValidateService(scope, service.Spec);
                break;
            case V1ConfigMap configMap:
                ValidateDataKeys(scope, configMap.Data?.Keys, "data", configMap.BinaryData?.Keys, "binaryData");
                break;
            case V1Secret secret:
                ValidateDataKeys(scope, secret.Data?.Keys, "data", secret.StringData?.Keys, "stringData", overlapAllowed: true);
                break;
        }
    }

    /// <summary>Names are unique per kind and namespace across every file loaded together; the second one is the error.</summary>
    public static void ValidateUniqueNames(IReadOnlyList<ParsedDocument> documents, List<ManifestError> errors)
    {
        var first = new Dictionary<(string Kind, string Namespace, string Name), ParsedDocument>();
        foreach (var document in documents)
        {
            if (document.Name.Length == 0)
            {
                continue;
            }

            var ns = document.KindInfo.Namespaced ? document.Model.Metadata?.NamespaceProperty ?? DefaultNamespace : "";
            if (first.TryGetValue((document.Kind, ns, document.Name), out var original))
            {
                var (line, column) = original.Map.Locate("metadata.name");
                errors.Add(document.Error("metadata.name",
                    $"duplicate {document.Kind} \"{document.Name}\"{(ns is "" or DefaultNamespace ? "" : $" in namespace \"{ns}\"")}: already defined at {original.Map.File}:{line}:{column}; names must be unique per kind and namespace"));
            }
            else
            {
                first[(document.Kind, ns, document.Name)] = document;
            }
        }
    }

    private static void ValidateMetadata(ValidationScope scope, V1ObjectMeta? metadata, string path, string kind)
    {
        if (metadata is null)
        {
            return;
        }

        var name = metadata.Name;
        if (!string.IsNullOrEmpty(name))
        {
            var problem = kind == Kinds.Service.Kind ? NameRules.Dns1035Label(name)
                : IsRbac(kind) ? NameRules.PathSegmentName(name)
                : NameRules.Dns1123Subdomain(name);
            if (problem is null && kind == Kinds.CronJob.Kind && name.Length > 52)
            {
                // k8s: 11 characters are appended to make the Job names.
                problem = "must be no more than 52 characters (an 11-character suffix is appended to name its Jobs)";
            }

            if (problem is not null)
            {
                scope.Add(path.Dot("name"), $"invalid name \"{name}\": {problem}");
            }
        }

        if (metadata.NamespaceProperty is { Length: > 0 } ns && NameRules.Dns1123Label(ns) is { } nsProblem)
        {
            scope.Add(path.Dot("namespace"), $"invalid namespace \"{ns}\": {nsProblem}");
        }

        ValidateLabels(scope, metadata.Labels, path.Dot("labels"));
        foreach (var key in metadata.Annotations?.Keys ?? [])
        {
            if (NameRules.QualifiedName(key) is { } problem)
            {
                scope.Add(path.Dot("annotations").Dot(key), $"invalid annotation key \"{key}\": {problem}");
            }
        }
    }

    /// <summary>k8s ValidateRBACName: RBAC objects are named by path segment (<c>system:kube-scheduler</c>), not as DNS.</summary>
    private static bool IsRbac(string kind) =>
        kind == Kinds.Role.Kind || kind == Kinds.ClusterRole.Kind || kind == Kinds.RoleBinding.Kind || kind == Kinds.ClusterRoleBinding.Kind;

    private static void ValidateLabels(ValidationScope scope, IDictionary<string, string>? labels, string path)
    {
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            if (NameRules.QualifiedName(key) is { } keyProblem)
            {
                scope.Add(path.Dot(key), $"invalid label key \"{key}\": {keyProblem}");
            }
            else if (NameRules.LabelValue(value ?? string.Empty) is { } valueProblem)
            {
                scope.Add(path.Dot(key), $"invalid label value \"{value}\": {valueProblem}");
            }
        }
    }

    private static void ValidateTemplate(ValidationScope scope, V1PodTemplateSpec? template, string path, string ownerKind, V1LabelSelector? selector, string selectorPath)
    {
        if (template is null)
        {
            scope.Add(path, "required: the pod template (metadata.labels and spec)");
            return;
        }

        var metadataPath = path.Dot("metadata");
        ValidateLabels(scope, template.Metadata?.Labels, metadataPath.Dot("labels"));
        if (selector is not null)
        {
            ValidateSelector(scope, selector, selectorPath, template.Metadata?.Labels, metadataPath.Dot("labels"));
        }

        PodSpecValidator.Validate(scope, template.Spec, path.Dot("spec"), ownerKind, template.Metadata, metadataPath);
    }

    private static void ValidateSelector(ValidationScope scope, V1LabelSelector selector, string path, IDictionary<string, string>? labels, string labelsPath)
    {
        var matchLabels = selector.MatchLabels ?? new Dictionary<string, string>();
        var expressions = selector.MatchExpressions ?? [];
        if (matchLabels.Count == 0 && expressions.Count == 0)
        {
            scope.Add(path, "must be non-empty: set matchLabels to (some of) the template's labels");
            return;
        }

        for (var i = 0; i < expressions.Count; i++)
        {
            var expression = expressions[i];
            var expressionPath = path.Dot("matchExpressions").At(i);
            var hasValues = expression.Values is { Count: > 0 };
            switch (expression.OperatorProperty)
            {
                case "In" or "NotIn" when !hasValues:
                    scope.Add(expressionPath.Dot("values"), $"must be non-empty for operator {expression.OperatorProperty}");
                    break;
                case "Exists" or "DoesNotExist" when hasValues:
                    scope.Add(expressionPath.Dot("values"), $"must be empty for operator {expression.OperatorProperty}");
                    break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    break;
                default:
                    scope.Add(expressionPath.Dot("operator"), $"unsupported value \"{expression.OperatorProperty}\": allowed \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
                    return;
            }
        }

        if (!LabelSelector.From(selector).Matches(labels))
        {
            scope.Add(path, $"does not match the template's labels ({labelsPath}): every pod the template makes must be selected");
        }
    }

    private static void ValidateDeployment(ValidationScope scope, V1DeploymentSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        scope.NonNegative("spec.replicas", spec.Replicas);
        scope.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        scope.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        if (spec.ProgressDeadlineSeconds is { } deadline && deadline <= (spec.MinReadySeconds ?? 0))
        {
            scope.Add("spec.progressDeadlineSeconds", $"must be greater than minReadySeconds ({spec.MinReadySeconds ?? 0})");
        }

        RequireSelector(scope, spec.Selector, "spec.selector");
        if (spec.Strategy is { } strategy)
        {
            scope.OneOf("spec.strategy.type", strategy.Type, "RollingUpdate", "Recreate");
            if (strategy.Type == "Recreate" && strategy.RollingUpdate is not null)
            {
                scope.Add("spec.strategy.rollingUpdate", "may not be set when strategy type is Recreate");
            }

            if (strategy.RollingUpdate is { } rolling)
            {
                ValidateSurge(scope, rolling.MaxSurge, rolling.MaxUnavailable, "spec.strategy.rollingUpdate");
            }
        }

        ValidateTemplate(scope, spec.Template, "spec.template", Kinds.Deployment.Kind, spec.Selector, "spec.selector");
    }

    /// <summary>A ReplicaSet a manifest declares (one a Deployment made is never validated here).</summary>
    private static void ValidateReplicaSet(ValidationScope scope, V1ReplicaSetSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        scope.NonNegative("spec.replicas", spec.Replicas);
        scope.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        RequireSelector(scope, spec.Selector, "spec.selector");
        ValidateTemplate(scope, spec.Template, "spec.template", Kinds.ReplicaSet.Kind, spec.Selector, "spec.selector");
    }

    /// <summary>A ReplicationController: a ReplicaSet whose selector is a label map (defaulted from the template's labels).</summary>
    private static void ValidateReplicationController(ValidationScope scope, V1ReplicationControllerSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        scope.NonNegative("spec.replicas", spec.Replicas);
        scope.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        if (spec.Selector is not { Count: > 0 })
        {
            scope.Add("spec.selector", "required: a label map that selects the template's pods (or labels in spec.template.metadata to default it from)");
        }
        var selector = spec.Selector is { Count: > 0 } labels ? new V1LabelSelector { MatchLabels = labels } : null;
        ValidateTemplate(scope, spec.Template, "spec.template", Kinds.ReplicationController.Kind, selector, "spec.selector");
    }

    private static void ValidateStatefulSet(ValidationScope scope, V1StatefulSetSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        scope.NonNegative("spec.replicas", spec.Replicas);
        scope.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        scope.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        scope.OneOf("spec.podManagementPolicy", spec.PodManagementPolicy, "OrderedReady", "Parallel");
        scope.OneOf("spec.updateStrategy.type", spec.UpdateStrategy?.Type, "RollingUpdate", "OnDelete");
        if (spec.UpdateStrategy?.Type == "OnDelete" && spec.UpdateStrategy.RollingUpdate is not null)
        {
            scope.Add("spec.updateStrategy.rollingUpdate", "may not be set when updateStrategy type is OnDelete");
        }

        scope.NonNegative("spec.updateStrategy.rollingUpdate.partition", spec.UpdateStrategy?.RollingUpdate?.Partition);
        scope.OneOf("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted, "Retain", "Delete");
        scope.OneOf("spec.persistentVolumeClaimRetentionPolicy.whenScaled", spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled, "Retain", "Delete");
        scope.NonNegative("spec.ordinals.start", spec.Ordinals?.Start);

        var claimNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (spec.VolumeClaimTemplates?.Count ?? 0); i++)
        {
            var claimPath = "spec.volumeClaimTemplates".At(i).Dot("metadata").Dot("name");
            var claimName = spec.VolumeClaimTemplates![i].Metadata?.Name;
            if (string.IsNullOrEmpty(claimName))
            {
                scope.Add(claimPath, "required: the claim's name, used as the volume name in volumeMounts");
            }
            // It names a pod volume (a DNS label) and the claims' directories <state-dir>/volumes/<name>-<set>-<ordinal>.
            else if (NameRules.Dns1123Label(claimName) is { } problem)
            {
                scope.Add(claimPath, $"invalid volume claim template name \"{claimName}\": {problem}");
            }
            else if (!claimNames.Add(claimName))
            {
                scope.Add(claimPath, $"duplicate volume claim template \"{claimName}\"");
            }
        }

        RequireSelector(scope, spec.Selector, "spec.selector");
        ValidateTemplate(scope, spec.Template, "spec.template", Kinds.StatefulSet.Kind, spec.Selector, "spec.selector");
    }

    private static void ValidateDaemonSet(ValidationScope scope, V1DaemonSetSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        scope.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        scope.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        scope.OneOf("spec.updateStrategy.type", spec.UpdateStrategy?.Type, "RollingUpdate", "OnDelete");
        if (spec.UpdateStrategy?.RollingUpdate is { } rolling)
        {
            ValidateSurge(scope, rolling.MaxSurge, rolling.MaxUnavailable, "spec.updateStrategy.rollingUpdate");
        }

        RequireSelector(scope, spec.Selector, "spec.selector");
        ValidateTemplate(scope, spec.Template, "spec.template", Kinds.DaemonSet.Kind, spec.Selector, "spec.selector");
    }

    private static void RequireSelector(ValidationScope scope, V1LabelSelector? selector, string path)
    {
        if (selector is null)
        {
            scope.Add(path, "required: set matchLabels to (some of) the template's labels");
        }
    }

    private static void ValidateSurge(ValidationScope scope, IntOrString? maxSurge, IntOrString? maxUnavailable, string path)
    {
        var surge = ValidateIntOrPercent(scope, maxSurge, path.Dot("maxSurge"));
        var unavailable = ValidateIntOrPercent(scope, maxUnavailable, path.Dot("maxUnavailable"));
        if (surge == 0 && unavailable == 0)
        {
            scope.Add(path.Dot("maxUnavailable"), "may not be 0 when maxSurge is 0: the rollout could never make progress");
        }
    }

    /// <summary>Checks an int or "N%" value (≥ 0, percent ≤ 100); returns its number, or null when unset or invalid.</summary>
    private static int? ValidateIntOrPercent(ValidationScope scope, IntOrString? value, string path)
    {
        if (value?.Value is not { } text)
        {
            return null;
        }

        var isPercent = text.EndsWith('%');
        var digits = isPercent ? text[..^1] : text;
        if (!int.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            scope.Add(path, $"invalid value \"{text}\": expected a whole number or a percentage such as \"25%\"");
            return null;
        }

        if (number < 0)
        {
            scope.Add(path, "must be greater than or equal to 0");
            return null;
        }

        if (isPercent && number > 100)
        {
            scope.Add(path, "must not be greater than 100%");
            return null;
        }

        return number;
    }

    private static void ValidateJobSpec(ValidationScope scope, V1JobSpec? spec, string path, string ownerKind)
    {
        if (spec is null)
        {
            scope.Add(path, "required: the Job spec with its pod template");
            return;
        }

        scope.NonNegative(path.Dot("parallelism"), spec.Parallelism);
        scope.NonNegative(path.Dot("completions"), spec.Completions);
        scope.NonNegative(path.Dot("backoffLimit"), spec.BackoffLimit);
        scope.Positive(path.Dot("activeDeadlineSeconds"), spec.ActiveDeadlineSeconds);
        scope.NonNegative(path.Dot("ttlSecondsAfterFinished"), spec.TtlSecondsAfterFinished);
        scope.OneOf(path.Dot("completionMode"), spec.CompletionMode, "NonIndexed", "Indexed");
        if (spec.CompletionMode == "Indexed" && spec.Completions is null)
        {
            scope.Add(path.Dot("completions"), "required when completionMode is Indexed");
        }

        if (spec.PodFailurePolicy is not null && spec.Template?.Spec?.RestartPolicy is { } policy && policy != "Never")
        {
            scope.Add(path.Dot("template").Dot("spec").Dot("restartPolicy"), $"must be \"Never\" when podFailurePolicy is set, got \"{policy}\"");
        }

        if (spec.ManualSelector == true && spec.Selector is null)
        {
            scope.Add(path.Dot("selector"), "required when manualSelector is true");
        }

        ValidateTemplate(scope, spec.Template, path.Dot("template"), ownerKind, spec.ManualSelector == true ? spec.Selector : null, path.Dot("selector"));
    }

    private static void ValidateCronJob(ValidationScope scope, V1CronJob cronJob)
    {
        var spec = cronJob.Spec;
        if (spec is null)
        {
            scope.Add("spec", "required");
            return;
        }

        if (CronScheduleSyntax.Check(spec.Schedule) is { } problem)
        {
            scope.Add("spec.schedule", problem);
        }

        if (spec.TimeZone is { } timeZone && (timeZone.Length == 0 || timeZone.Contains(' ', StringComparison.Ordinal)))
        {
            // The scheduler resolves the IANA name; an unknown zone is an UnknownTimeZone event there, as upstream.
            scope.Add("spec.timeZone", $"invalid time zone \"{timeZone}\": expected an IANA name such as \"Europe/Berlin\" or \"Etc/UTC\"");
        }

        scope.OneOf("spec.concurrencyPolicy", spec.ConcurrencyPolicy, "Allow", "Forbid", "Replace");
        scope.NonNegative("spec.startingDeadlineSeconds", spec.StartingDeadlineSeconds);
        scope.NonNegative("spec.successfulJobsHistoryLimit", spec.SuccessfulJobsHistoryLimit);
        scope.NonNegative("spec.failedJobsHistoryLimit", spec.FailedJobsHistoryLimit);
        if (spec.JobTemplate is null)
        {
            scope.Add("spec.jobTemplate", "required: the template of the Jobs to create");
            return;
        }

        ValidateJobSpec(scope, spec.JobTemplate.Spec, "spec.jobTemplate.spec", Kinds.CronJob.Kind);
    }

    private static void ValidateService(ValidationScope scope, V1ServiceSpec? spec)
    {
        if (spec is null)
        {
            scope.Add("spec", "required: ports and selector");
            return;
        }

        scope.OneOf("spec.type", spec.Type, "ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        scope.OneOf("spec.sessionAffinity", spec.SessionAffinity, "None", "ClientIP");
        ValidateLabels(scope, spec.Selector, "spec.selector");

        var ports = spec.Ports ?? [];
        var headless = spec.ClusterIP == "None";
        if (ports.Count == 0 && !headless && spec.Type != "ExternalName")
        {
            scope.Add("spec.ports", "must have at least one port (a headless Service, clusterIP: None, may have none)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var portPath = "spec.ports".At(i);
            if (port.Port is < 1 or > 65535)
            {
                scope.Add(portPath.Dot("port"), $"must be between 1 and 65535, inclusive, got {port.Port}");
            }

            scope.OneOf(portPath.Dot("protocol"), port.Protocol, "TCP", "UDP", "SCTP");
            if (ports.Count > 1 && string.IsNullOrEmpty(port.Name))
            {
                scope.Add(portPath.Dot("name"), "required when the Service has more than one port");
            }
            else if (!string.IsNullOrEmpty(port.Name))
            {
                if (NameRules.Dns1123Label(port.Name) is { } problem)
                {
                    scope.Add(portPath.Dot("name"), $"invalid port name \"{port.Name}\": {problem}");
                }
                else if (!names.Add(port.Name))
                {
                    scope.Add(portPath.Dot("name"), $"duplicate port name \"{port.Name}\"");
                }
            }

            if (port.TargetPort?.Value is { } target)
            {
                if (int.TryParse(target, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    if (number is < 1 or > 65535)
                    {
                        scope.Add(portPath.Dot("targetPort"), $"must be between 1 and 65535, inclusive, got {number}");
                    }
                }
                else if (NameRules.IanaServiceName(target) is { } problem)
                {
                    scope.Add(portPath.Dot("targetPort"), $"invalid port name \"{target}\": {problem}");
                }
            }
        }
    }

    private static void ValidateDataKeys(ValidationScope scope, ICollection<string>? first, string firstField, ICollection<string>? second, string secondField, bool overlapAllowed = false)
    {
        foreach (var key in first ?? [])
        {
            if (NameRules.ConfigKey(key) is { } problem)
            {
                scope.Add(firstField.Dot(key), $"invalid key \"{key}\": {problem}");
            }
        }

        foreach (var key in second ?? [])
        {
            if (NameRules.ConfigKey(key) is { } problem)
            {
                scope.Add(secondField.Dot(key), $"invalid key \"{key}\": {problem}");
            }
            else if (!overlapAllowed && first is not null && first.Contains(key))
            {
                scope.Add(secondField.Dot(key), $"duplicate key \"{key}\": also in {firstField}");
            }
        }
    }
}
