using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Semantic checks of a pod spec (a Pod's, or a workload's pod template): restartPolicy for the owning kind,
/// containers and init containers, probes, ports, volumes, and whether each container can run on this host.
/// </summary>
internal sealed class PodSpecValidator
{
    private readonly ValidationScope _scope;
    private readonly string _ownerKind;
    private readonly bool _hostRuntime;
    private readonly bool _podsRunUntilReplaced;
    private readonly bool _podsRunToCompletion;
    private bool _podRunsImages;
    private string? _firstImagePath;
    private readonly Dictionary<string, string> _containerNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _volumeNames = new(StringComparer.Ordinal);

    private PodSpecValidator(ValidationScope scope, string ownerKind, bool hostRuntime)
    {
        _scope = scope;
        _ownerKind = ownerKind;
        _hostRuntime = hostRuntime;
        _podsRunUntilReplaced = ownerKind == Kinds.Deployment.Kind || ownerKind == Kinds.ReplicaSet.Kind || ownerKind == Kinds.ReplicationController.Kind || ownerKind == Kinds.StatefulSet.Kind || ownerKind == Kinds.DaemonSet.Kind;
        _podsRunToCompletion = ownerKind == Kinds.Job.Kind || ownerKind == Kinds.CronJob.Kind;
    }

    /// <param name="scope">Where errors go.</param>
    /// <param name="spec">The pod spec (null is reported as missing).</param>
    /// <param name="specPath">Its field path, e.g. <c>spec.template.spec</c>.</param>
    /// <param name="ownerKind">Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob: decides the allowed restartPolicy.</param>
    /// <param name="podMetadata">The pod's (or pod template's) metadata, for <c>sup.minikube.io/</c> annotations.</param>
    /// <param name="metadataPath">Its field path.</param>
    public static void Validate(ValidationScope scope, V1PodSpec? spec, string specPath, string ownerKind, V1ObjectMeta? podMetadata, string metadataPath)
    {
        var annotations = podMetadata?.Annotations;
        var runtime = SupAnnotations.RuntimeOf(annotations);
        var annotationsPath = metadataPath.Dot("annotations");
        if (runtime is not null && runtime != SupAnnotations.HostRuntime)
        {
            scope.Add(annotationsPath.Dot(SupAnnotations.Runtime), $"unsupported value \"{runtime}\": allowed \"host\" (run the containers' commands as host processes)");
        }

        if (annotations is not null && annotations.TryGetValue(SupAnnotations.StepTimeoutSeconds, out var stepTimeout) && SupAnnotations.WholeSeconds(stepTimeout) is null)
        {
            scope.Add(annotationsPath.Dot(SupAnnotations.StepTimeoutSeconds), $"must be a whole number of seconds greater than zero (as a string, e.g. \"300\"), got \"{stepTimeout}\"");
        }

        if (annotations is not null && annotations.TryGetValue(SupAnnotations.WaitFor, out var waitFor) && WaitForTargets.Parse(waitFor).Problem is { } waitProblem)
        {
            scope.Add(annotationsPath.Dot(SupAnnotations.WaitFor), waitProblem);
        }

        if (annotations is not null && annotations.TryGetValue(SupAnnotations.WaitForStableSeconds, out var stable) && SupAnnotations.StableSeconds(stable) is null)
        {
            scope.Add(annotationsPath.Dot(SupAnnotations.WaitForStableSeconds), $"must be a whole number of seconds (as a string, e.g. \"30\"), got \"{stable}\"");
        }

        foreach (var (key, value) in annotations ?? new Dictionary<string, string>())
        {
            if (SupAnnotations.StepTimeoutContainer(key) is not { } container) continue;
            if (SupAnnotations.WholeSeconds(value) is null)
            {
                scope.Add(annotationsPath.Dot(key), $"must be a whole number of seconds greater than zero (as a string, e.g. \"300\"), got \"{value}\"");
            }
            else if (spec is not null && !(spec.InitContainers ?? []).Concat(spec.Containers ?? []).Any(c => c.Name == container))
            {
                scope.Add(annotationsPath.Dot(key), $"names no container of this pod: \"{container}\" (the form is {SupAnnotations.StepTimeoutSeconds}.<container name>)");
            }
        }

        if (spec is null)
        {
            scope.Add(specPath, "required: a pod spec with at least one container");
            return;
        }

        new PodSpecValidator(scope, ownerKind, runtime == SupAnnotations.HostRuntime).ValidateSpec(spec, specPath);
    }

    private void ValidateSpec(V1PodSpec spec, string path)
    {
        ValidateRestartPolicy(spec.RestartPolicy, path.Dot("restartPolicy"));
        _scope.NonNegative(path.Dot("terminationGracePeriodSeconds"), spec.TerminationGracePeriodSeconds);
        _scope.Positive(path.Dot("activeDeadlineSeconds"), spec.ActiveDeadlineSeconds);

        var volumesPath = path.Dot("volumes");
        for (var i = 0; i < (spec.Volumes?.Count ?? 0); i++)
        {
            ValidateVolume(spec.Volumes![i], volumesPath.At(i));
        }

        if (spec.Containers is null || spec.Containers.Count == 0)
        {
            _scope.Add(path.Dot("containers"), "must have at least one container");
        }

        var initPath = path.Dot("initContainers");
        var containersPath = path.Dot("containers");
        if (!_hostRuntime)
        {
            var all = (spec.InitContainers ?? []).Select((c, i) => (c, initPath.At(i))).Concat((spec.Containers ?? []).Select((c, i) => (c, containersPath.At(i))));
            _firstImagePath = all.Where(e => ImagePods.HasImage(e.c)).Select(e => e.Item2).FirstOrDefault();
            _podRunsImages = _firstImagePath is not null;
        }

        for (var i = 0; i < (spec.InitContainers?.Count ?? 0); i++)
        {
            ValidateContainer(spec.InitContainers![i], initPath.At(i), isInit: true);
        }

        for (var i = 0; i < (spec.Containers?.Count ?? 0); i++)
        {
            ValidateContainer(spec.Containers![i], containersPath.At(i), isInit: false);
        }
    }

    private void ValidateRestartPolicy(string? policy, string path)
    {
        if (_podsRunUntilReplaced)
        {
            if (policy != "Always")
            {
                _scope.Add(path, $"unsupported value \"{policy}\": a {_ownerKind}'s pods run until replaced; only \"Always\" is allowed");
            }
        }
        else if (_podsRunToCompletion)
        {
            if (policy is null)
            {
                _scope.Add(path, $"required: a {_ownerKind}'s pods must finish; set restartPolicy to \"Never\" or \"OnFailure\"");
            }
            else if (policy is not ("Never" or "OnFailure"))
            {
                _scope.Add(path, $"unsupported value \"{policy}\": a {_ownerKind}'s pods must finish; allowed \"Never\", \"OnFailure\"");
            }
        }
        else
        {
            _scope.OneOf(path, policy, "Always", "OnFailure", "Never");
        }
    }

    private void ValidateVolume(V1Volume volume, string path)
    {
        var namePath = path.Dot("name");
        if (string.IsNullOrEmpty(volume.Name))
        {
            _scope.Add(namePath, "required: every volume needs a name");
        }
        else if (NameRules.Dns1123Label(volume.Name) is { } problem)
        {
            _scope.Add(namePath, $"invalid volume name \"{volume.Name}\": {problem}");
        }
        else if (!_volumeNames.Add(volume.Name))
        {
            _scope.Add(namePath, $"duplicate volume name \"{volume.Name}\"");
        }

        if (volume.HostPath is { } hostPath)
        {
            if (string.IsNullOrEmpty(hostPath.Path))
            {
                _scope.Add(path.Dot("hostPath").Dot("path"), "required: the host directory or file to mount");
            }

            _scope.OneOf(path.Dot("hostPath").Dot("type"), hostPath.Type, "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice");
        }

        VolumeValidator.ValidateSource(_scope, volume, path);

        if (volume.PersistentVolumeClaim is { } claim)
        {
            var claimPath = path.Dot("persistentVolumeClaim").Dot("claimName");
            if (string.IsNullOrEmpty(claim.ClaimName))
            {
                _scope.Add(claimPath, "required: the name of a PersistentVolumeClaim");
            }
            // k8s: a PVC's name is a DNS subdomain. Never a path: the claim's directory is <state-dir>/volumes/<claimName>.
            else if (NameRules.Dns1123Subdomain(claim.ClaimName) is { } claimProblem)
            {
                _scope.Add(claimPath, $"invalid claim name \"{claim.ClaimName}\": {claimProblem}");
            }
        }
    }

    private void ValidateContainer(V1Container container, string path, bool isInit)
    {
        var namePath = path.Dot("name");
        if (string.IsNullOrEmpty(container.Name))
        {
            _scope.Add(namePath, "required: every container needs a name");
        }
        else if (NameRules.Dns1123Label(container.Name) is { } problem)
        {
            _scope.Add(namePath, $"invalid container name \"{container.Name}\": {problem}");
        }
        else if (_containerNames.TryGetValue(container.Name, out var firstPath))
        {
            _scope.Add(namePath, $"duplicate container name \"{container.Name}\" (already used by {firstPath}); names must be unique across initContainers and containers");
        }
        else
        {
            _containerNames[container.Name] = path;
        }

        ValidateRuntime(container, path);
        ValidatePorts(container, path.Dot("ports"));
        ValidateEnv(container, path.Dot("env"));
        VolumeValidator.ValidateEnvFrom(_scope, container, path.Dot("envFrom"));
        ValidateVolumeMounts(container, path.Dot("volumeMounts"));
        VolumeValidator.ValidateMountPaths(_scope, container, path.Dot("volumeMounts"));

        var isSidecar = isInit && container.RestartPolicy == "Always";
        if (isInit)
        {
            if (container.RestartPolicy is not null && container.RestartPolicy != "Always")
            {
                _scope.Add(path.Dot("restartPolicy"), $"unsupported value \"{container.RestartPolicy}\": an init container's restartPolicy may only be \"Always\" (which makes it a sidecar)");
            }
        }
        else if (container.RestartPolicy is not null)
        {
            _scope.Add(path.Dot("restartPolicy"), "a per-container restartPolicy is only supported on init containers (\"Always\" makes a sidecar); set the pod's spec.restartPolicy instead");
        }

        if (container.RestartPolicyRules is { Count: > 0 })
        {
            _scope.Add(path.Dot("restartPolicyRules"), "not supported: restartPolicyRules (the ContainerRestartRules feature); use the pod's restartPolicy");
        }

        if (isInit && !isSidecar)
        {
            foreach (var (field, present) in new[]
                     {
                         // sup: a Job's steps are its init containers, and a liveness probe on a step is a hang check (SPEC §3).
                         ("livenessProbe", container.LivenessProbe is not null && !_podsRunToCompletion),
                         ("readinessProbe", container.ReadinessProbe is not null),
                         ("startupProbe", container.StartupProbe is not null),
                         ("lifecycle", container.Lifecycle is not null),
                     })
            {
                if (present)
                {
                    _scope.Add(path.Dot(field), $"not allowed on an init container that runs to completion; only sidecar init containers (restartPolicy: Always) and regular containers may have {field}");
                }
            }

            ValidateProbe(container.LivenessProbe, path.Dot("livenessProbe"), "liveness", container);
            return;
        }

        ValidateProbe(container.LivenessProbe, path.Dot("livenessProbe"), "liveness", container);
        ValidateProbe(container.ReadinessProbe, path.Dot("readinessProbe"), "readiness", container);
        ValidateProbe(container.StartupProbe, path.Dot("startupProbe"), "startup", container);
        ValidateLifecycleHandler(container.Lifecycle?.PostStart, path.Dot("lifecycle").Dot("postStart"), container);
        ValidateLifecycleHandler(container.Lifecycle?.PreStop, path.Dot("lifecycle").Dot("preStop"), container);
    }

    private void ValidateRuntime(V1Container container, string path)
    {
        // SPEC §2: a host container with only args runs args[0] (the command line is command + args).
        var hasCommand = container.Command is { Count: > 0 } ? container.Command.All(c => !string.IsNullOrEmpty(c))
            : container.Args is { Count: > 0 } && !string.IsNullOrEmpty(container.Args[0]);
        if (string.IsNullOrEmpty(container.Image))
        {
            if (_podRunsImages)
            {
                // SPEC §2: a pod runs in one place: its containers share a network namespace, in the engine or not.
                _scope.Add(path, $"this container has no image while {_firstImagePath} has one: a pod runs either images (in a container engine) or host processes, not both; give every container an image, or none (annotation {SupAnnotations.Runtime}: host runs image containers' commands on the host)");
            }
            else if (!hasCommand)
            {
                _scope.Add(path.Dot("command"), "a container without image runs as a host process and needs command (or args, whose first is the program)");
            }

            return;
        }

        if (_hostRuntime && !hasCommand)
        {
            _scope.Add(path.Dot("command"), $"with annotation {SupAnnotations.Runtime}: host the container runs as a host process and needs command, or args whose first is the program (the image's entrypoint is not used)");
        }

        // An image container is accepted whatever this machine has: `sup run` says per pod when no engine is usable.
    }

    private void ValidatePorts(V1Container container, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (container.Ports?.Count ?? 0); i++)
        {
            var port = container.Ports![i];
            var portPath = path.At(i);
            ValidatePortNumber(portPath.Dot("containerPort"), port.ContainerPort);
            if (port.HostPort is not null and not 0)
            {
                ValidatePortNumber(portPath.Dot("hostPort"), port.HostPort.Value);
            }

            _scope.OneOf(portPath.Dot("protocol"), port.Protocol, "TCP", "UDP", "SCTP");
            if (port.Name is { } name)
            {
                if (NameRules.IanaServiceName(name) is { } problem)
                {
                    _scope.Add(portPath.Dot("name"), $"invalid port name \"{name}\": {problem}");
                }
                else if (!names.Add(name))
                {
                    _scope.Add(portPath.Dot("name"), $"duplicate port name \"{name}\" in this container");
                }
            }
        }
    }

    private void ValidatePortNumber(string path, int port)
    {
        if (port is < 1 or > 65535)
        {
            _scope.Add(path, $"must be between 1 and 65535, inclusive, got {port}");
        }
    }

    /// <summary>A probe or hook port: a number 1–65535 or the name of one of the container's ports.</summary>
    private void ValidatePortReference(IntOrString? port, string path, V1Container container)
    {
        if (port?.Value is not { Length: > 0 } value)
        {
            _scope.Add(path, "required: a port number (1-65535) or the name of a containerPort");
            return;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            ValidatePortNumber(path, number);
            return;
        }

        if (NameRules.IanaServiceName(value) is { } problem)
        {
            _scope.Add(path, $"invalid port name \"{value}\": {problem}");
            return;
        }

        var named = (container.Ports ?? []).Select(p => p.Name).OfType<string>().ToList();
        if (!named.Contains(value, StringComparer.Ordinal))
        {
            var known = named.Count == 0 ? "this container has no named ports" : $"named ports: {string.Join(", ", named)}";
            _scope.Add(path, $"no containerPort named \"{value}\" in this container ({known})");
        }
    }

    private void ValidateProbe(V1Probe? probe, string path, string type, V1Container container)
    {
        if (probe is null)
        {
            return;
        }

        var present = new List<string>();
        if (probe.Exec is not null)
        {
            present.Add("exec");
        }

        if (probe.HttpGet is not null)
        {
            present.Add("httpGet");
        }

        if (probe.TcpSocket is not null)
        {
            present.Add("tcpSocket");
        }

        if (probe.Grpc is not null)
        {
            present.Add("grpc");
        }

        if (present.Count != 1)
        {
            var found = present.Count == 0 ? "none" : $"{present.Count}: {string.Join(", ", present)}";
            _scope.Add(path, $"probe needs exactly one handler: exec, httpGet, tcpSocket or grpc; found {found}");
        }

        if (probe.Exec is { } exec && (exec.Command is null || exec.Command.Count == 0))
        {
            _scope.Add(path.Dot("exec").Dot("command"), "required: exec needs a non-empty command");
        }

        if (probe.HttpGet is { } httpGet)
        {
            ValidatePortReference(httpGet.Port, path.Dot("httpGet").Dot("port"), container);
            _scope.OneOf(path.Dot("httpGet").Dot("scheme"), httpGet.Scheme, "HTTP", "HTTPS");
        }

        if (probe.TcpSocket is { } tcpSocket)
        {
            ValidatePortReference(tcpSocket.Port, path.Dot("tcpSocket").Dot("port"), container);
        }

        if (probe.Grpc is { } grpc)
        {
            // k8s: a gRPC probe port must be a number; named ports are not allowed.
            ValidatePortNumber(path.Dot("grpc").Dot("port"), grpc.Port);
        }

        _scope.Positive(path.Dot("periodSeconds"), probe.PeriodSeconds);
        _scope.Positive(path.Dot("timeoutSeconds"), probe.TimeoutSeconds);
        _scope.Positive(path.Dot("successThreshold"), probe.SuccessThreshold);
        _scope.Positive(path.Dot("failureThreshold"), probe.FailureThreshold);
        _scope.NonNegative(path.Dot("initialDelaySeconds"), probe.InitialDelaySeconds);
        if (type is "liveness" or "startup" && probe.SuccessThreshold is > 1)
        {
            _scope.Add(path.Dot("successThreshold"), $"must be 1 for {type} probes, got {probe.SuccessThreshold}");
        }

        if (probe.TerminationGracePeriodSeconds is { } grace)
        {
            if (type == "readiness")
            {
                _scope.Add(path.Dot("terminationGracePeriodSeconds"), "not allowed on a readiness probe (a failing readiness probe never kills the container); set it on livenessProbe or startupProbe");
            }
            else
            {
                _scope.Positive(path.Dot("terminationGracePeriodSeconds"), grace);
            }
        }
    }

    private void ValidateLifecycleHandler(V1LifecycleHandler? handler, string path, V1Container container)
    {
        if (handler is null)
        {
            return;
        }

        var present = new List<string>();
        if (handler.Exec is not null)
        {
            present.Add("exec");
        }

        if (handler.HttpGet is not null)
        {
            present.Add("httpGet");
        }

        if (handler.TcpSocket is not null)
        {
            present.Add("tcpSocket");
        }

        if (handler.Sleep is not null)
        {
            present.Add("sleep");
        }

        if (present.Count != 1)
        {
            var found = present.Count == 0 ? "none" : $"{present.Count}: {string.Join(", ", present)}";
            _scope.Add(path, $"lifecycle hook needs exactly one handler: exec, httpGet or sleep; found {found}");
        }

        if (handler.Exec is { } exec && (exec.Command is null || exec.Command.Count == 0))
        {
            _scope.Add(path.Dot("exec").Dot("command"), "required: exec needs a non-empty command");
        }

        if (handler.HttpGet is { } httpGet)
        {
            ValidatePortReference(httpGet.Port, path.Dot("httpGet").Dot("port"), container);
            _scope.OneOf(path.Dot("httpGet").Dot("scheme"), httpGet.Scheme, "HTTP", "HTTPS");
        }

        if (handler.TcpSocket is not null)
        {
            // k8s: accepted by validation but deprecated and it fails at runtime; say so now.
            _scope.Add(path.Dot("tcpSocket"), "not supported: tcpSocket lifecycle hooks are deprecated and never run; use exec, httpGet or sleep");
        }

        if (handler.Sleep is { } sleep)
        {
            _scope.NonNegative(path.Dot("sleep").Dot("seconds"), sleep.Seconds);
        }
    }

    private void ValidateEnv(V1Container container, string path)
    {
        for (var i = 0; i < (container.Env?.Count ?? 0); i++)
        {
            var env = container.Env![i];
            var envPath = path.At(i);
            if (string.IsNullOrEmpty(env.Name))
            {
                _scope.Add(envPath.Dot("name"), "required: every environment variable needs a name");
            }

            if (env.ValueFrom is { } source)
            {
                if (env.Value is { Length: > 0 })
                {
                    _scope.Add(envPath.Dot("valueFrom"), "may not be set together with value");
                }

                var count = new object?[] { source.FieldRef, source.ResourceFieldRef, source.ConfigMapKeyRef, source.SecretKeyRef, source.FileKeyRef }.Count(s => s is not null);
                if (count != 1)
                {
                    _scope.Add(envPath.Dot("valueFrom"), $"needs exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef; found {count}");
                }

                VolumeValidator.ValidateKeyRef(_scope, source, envPath.Dot("valueFrom"));

                if (source.FieldRef is { } fieldRef && string.IsNullOrEmpty(fieldRef.FieldPath))
                {
                    _scope.Add(envPath.Dot("valueFrom").Dot("fieldRef").Dot("fieldPath"), "required: e.g. metadata.name or status.podIP");
                }
            }
        }
    }

    private void ValidateVolumeMounts(V1Container container, string path)
    {
        for (var i = 0; i < (container.VolumeMounts?.Count ?? 0); i++)
        {
            var mount = container.VolumeMounts![i];
            var mountPath = path.At(i);
            if (string.IsNullOrEmpty(mount.Name))
            {
                _scope.Add(mountPath.Dot("name"), "required: the name of a volume in spec.volumes");
            }
            else if (!_volumeNames.Contains(mount.Name) && !IsClaimTemplate(mount.Name))
            {
                var known = _volumeNames.Count == 0 ? "the pod has no volumes" : $"volumes: {string.Join(", ", _volumeNames)}";
                _scope.Add(mountPath.Dot("name"), $"no volume named \"{mount.Name}\" in the pod's volumes ({known})");
            }

            if (string.IsNullOrEmpty(mount.MountPath))
            {
                _scope.Add(mountPath.Dot("mountPath"), "required: where the volume appears in the container");
            }
        }
    }

    // A StatefulSet's volumeClaimTemplates are mounted by name without a pod volume.
    private bool IsClaimTemplate(string name)
        => _scope.Document.Model is V1StatefulSet set && (set.Spec?.VolumeClaimTemplates ?? []).Any(t => t.Metadata?.Name == name);
}
