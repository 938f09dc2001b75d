using MiniKube.Sup.Events;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's set-up of volumes and of each container's launch (environment, command, working
/// directory, log file): what happens before a container can be started, and the retries when it cannot yet.</summary>
public sealed partial class PodWorker
{
    private IReadOnlyList<PreparedVolume>? _volumes;
    private bool _volumeRetryPending;

    /// <summary>Sets up the pod's volumes on first call (k8s: before any init container). On failure the pod stays
    /// Pending with its containers ContainerCreating, a FailedMount event is recorded and set-up is retried.</summary>
    private bool VolumesReady()
    {
        if (_volumes is not null) return true;
        if (_volumeRetryPending) return false;
        try
        {
            var volumes = new PodVolumes(_context.Paths, _context.Config.In(Namespace), () => _context.ServiceAccount(Namespace)?.Token).SetUp(_pod);
            ApplyFsGroup(volumes);
            _volumes = volumes;
            if (_volumes.Count > 0)
            {
                _pod.Metadata.Annotations ??= new Dictionary<string, string>();
                _pod.Metadata.Annotations[VolumeAnnotation.Key] = VolumeAnnotation.Format(_volumes);
            }
            return true;
        }
        catch (VolumeSetupException e)
        {
            _volumeRetryPending = true;
            RetryAfterInterval(() =>
            {
                _volumeRetryPending = false;
                Advance();
            });
            Record(SupEvent.Warning, "FailedMount", e.EventMessage);
            return false;
        }
    }

    private ContainerLaunch BuildLaunch(ContainerSlot slot)
    {
        if (_runsImages) return BuildImageLaunch(slot);
        var podDirectory = _context.Paths.PodDirectory(DiskName);
        var workingDirectory = string.IsNullOrEmpty(slot.Spec.WorkingDir) ? podDirectory : slot.Spec.WorkingDir;
        var user = HostContainerUser.For(_pod, slot.Spec, Processes.Native.geteuid(), PrimaryGroup);
        HostIsolation? isolation = null;
        var volumeVariables = ContainerMounts.Prepare(slot.Spec, _volumes ?? [], workingDirectory);
        if (HostContainerIsolation.Wanted(_pod))
        {
            // Its working directory is entered inside its namespace (where a mount may be what is there); it is
            // spawned in the pod directory.
            var inNamespace = string.IsNullOrEmpty(slot.Spec.WorkingDir) ? null : slot.Spec.WorkingDir;
            if (inNamespace is not null) workingDirectory = podDirectory;
            var userNamespace = RootlessNamespace();
            isolation = HostContainerIsolation.For(_pod, slot.Spec, _volumes ?? [], WriteHostsFile(), inNamespace, userNamespace, MountPoints.Blocker);
            // In-cluster clients find the service account where they look, as in an image pod (not a daemon that is
            // not root, where it cannot make that directory: the pod did not ask for it).
            if (ServiceAccountFiles.Wanted(_pod, slot.Spec) && _context.ServiceAccount(Namespace) is { } account
                && (userNamespace is null || MountPoints.Blocker(ServiceAccountFiles.MountPath) is null))
                isolation = isolation with { Mounts = [.. isolation.Mounts, account.WriteTo(podDirectory, Namespace)] };
        }
        var (environment, declared) = ContainerEnvironment.Build(_pod, slot.Spec, INamespacedEnvironment.Of(_context.InheritedEnvironment, Namespace), PodIp, _context.Config.In(Namespace), volumeVariables);
        var command = ContainerEnvironment.CommandLine(slot.Spec, declared);
        return NewLaunch(slot, command, environment, workingDirectory) with { Isolation = isolation, User = user, OutputFifo = OutputFifoPath(slot) };
    }

    /// <summary>A daemon that is not root makes a host container's mount namespace in a user namespace: its ids; null
    /// for root.</summary>
    /// <exception cref="ContainerConfigException">the host allows it no user namespace</exception>
    private static DaemonIds? RootlessNamespace()
    {
        var uid = Processes.Native.geteuid();
        if (uid == 0) return null;
        if (UserNamespaces.Unavailable is { } why)
            throw new ContainerConfigException(
                $"the pod needs a private mount namespace (a volume at an absolute mountPath, readOnly or subPath, hostAliases, or sup.minikube.io/isolate), " +
                $"which a daemon that is not root (uid {uid}) can make only in a user namespace, and this host gives it none ({why}): " +
                $"run sup as root, or mount volumes at relative mountPaths (in the working directory) and use $VOLUME_<NAME>");
        return new DaemonIds(uid, Processes.Native.getegid());
    }

    private static long? PrimaryGroup(long uid)
    {
        try { return HostContainerUser.PrimaryGroup(File.ReadAllText("/etc/passwd"), uid); }
        catch (IOException) { return null; }
    }

    /// <summary>k8s fsGroup: the pod's own volumes (not hostPath) given to the group, where the daemon may (root).</summary>
    private void ApplyFsGroup(IReadOnlyList<PreparedVolume> volumes)
    {
        if (_pod.Spec.SecurityContext?.FsGroup is not { } fsGroup || Processes.Native.geteuid() != 0) return;
        foreach (var prepared in volumes)
        {
            var volume = (_pod.Spec.Volumes ?? []).FirstOrDefault(v => v.Name == prepared.Name);
            if (volume is null || volume.HostPath is not null || !Directory.Exists(prepared.HostPath)) continue;
            try { VolumeOwnership.Apply(prepared.HostPath, fsGroup, readOnly: ContainerMounts.IsProjection(volume)); }
            catch (ContainerConfigException e) { throw new VolumeSetupException(prepared.Name, e.Message); }
        }
    }

    /// <summary>An image container's environment is its own (k8s: the image's, under the container's env and the
    /// Services' variables), never the daemon's; its volumes are bind-mounted where it says.</summary>
    private ContainerLaunch BuildImageLaunch(ContainerSlot slot)
    {
        var (environment, declared) = ContainerEnvironment.Build(_pod, slot.Spec, INamespacedEnvironment.Of(_context.ImageEnvironment, Namespace), PodIp, _context.Config.In(Namespace));
        var image = ImageLaunchBuilder.Build(_pod, slot.Spec, declared, _volumes ?? [], PodGrace);
        if (ServiceAccountFiles.Wanted(_pod, slot.Spec) && _context.ServiceAccount(Namespace) is { } account)
            image = image with { Mounts = [.. image.Mounts, account.WriteTo(_context.Paths.PodDirectory(DiskName), Namespace)] };
        var command = (image.Entrypoint ?? []).Concat(image.Args ?? []).ToList();
        return NewLaunch(slot, command, environment, _context.Paths.PodDirectory(DiskName)) with { Image = image };
    }

    private ContainerLaunch NewLaunch(ContainerSlot slot, List<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        try { PodLogRetention.RecordOwner(_context.Paths, DiskName, Uid, _pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* without it, the logs go with the pod */ }
        // Unique per instance: clean-up of an old instance must never touch the one that replaced it.
        slot.OwnerToken = $"{_context.Paths.DaemonId}/{Name}/{_pod.Metadata.Uid}/{slot.Name}/{slot.Instance}";
        return new ContainerLaunch(
            Name,
            slot.Name,
            command,
            environment,
            workingDirectory,
            _context.Paths.LogFile(DiskName, Uid, slot.Name, slot.RestartCount),
            slot.OwnerToken,
            _pod.Metadata.Uid ?? "",
            slot.Instance)
        {
            Namespace = _pod.Metadata.NamespaceProperty ?? "default",
            Sandbox = _sandbox,
            Limits = ImageLaunchBuilder.Limits(slot.Spec.Resources),
            Stdio = new ContainerStdio(slot.Spec.Stdin == true, slot.Spec.StdinOnce == true, slot.Spec.Tty == true),
            Report = (type, reason, message) => Record(type, reason, message, slot),
        };
    }

    /// <summary>Where a host container instance's output pipe is named (<see cref="OutputFifo"/>): in the pod's
    /// directory, by container and instance, so that the next daemon finds the one it adopts.</summary>
    private string OutputFifoPath(ContainerSlot slot) =>
        Path.Combine(_context.Paths.PodDirectory(DiskName), "out", $"{slot.Name}.{slot.Instance}");

    /// <summary>Keeps the current and the previous instance's log, as the kubelet does. Called once the new instance's
    /// start has come back (its log exists then): until then the last one's is the current log, and the one before
    /// it is what --previous serves.</summary>
    private void PruneOldLogs(ContainerSlot slot)
    {
        var dir = _context.Paths.LogDirectory(DiskName, Uid, slot.Name);
        foreach (var n in LogLocator.Instances(dir))
            if (n < slot.RestartCount - 1) LogLocator.Delete(dir, n);
    }

    /// <summary>Arms the retry timer; callers do so before recording the event that reports the failure.</summary>
    /// <remarks>The retry runs on the worker loop, unless the pod is shutting down by then.</remarks>
    private void RetryAfterInterval(Action retry) => _timers.After(_context.SetupRetryInterval, new PodEvent.SetupRetry(retry));
}
