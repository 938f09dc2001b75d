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
            _volumes = new PodVolumes(_context.Paths, _context.Config.In(Namespace)).SetUp(_pod);
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
        var workingDirectory = string.IsNullOrEmpty(slot.Spec.WorkingDir) ? _context.Paths.PodDirectory(DiskName) : slot.Spec.WorkingDir;
        var volumeVariables = ContainerMounts.Prepare(slot.Spec, _volumes ?? [], workingDirectory);
        var (environment, declared) = ContainerEnvironment.Build(_pod, slot.Spec, INamespacedEnvironment.Of(_context.InheritedEnvironment, Namespace), PodIp, _context.Config.In(Namespace), volumeVariables);
        var command = ContainerEnvironment.CommandLine(slot.Spec, declared);
        return NewLaunch(slot, command, environment, workingDirectory);
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
        // Unique per instance: clean-up of an old instance must never touch the one that replaced it.
        slot.OwnerToken = $"{_context.Paths.DaemonId}/{Name}/{_pod.Metadata.Uid}/{slot.Name}/{slot.Instance}";
        return new ContainerLaunch(
            Name,
            slot.Name,
            command,
            environment,
            workingDirectory,
            _context.Paths.LogFile(DiskName, slot.Name, slot.RestartCount),
            slot.OwnerToken,
            _pod.Metadata.Uid ?? "",
            slot.Instance)
        {
            Namespace = _pod.Metadata.NamespaceProperty ?? "default",
            Sandbox = _sandbox,
            Limits = ImageLaunchBuilder.Limits(slot.Spec.Resources),
            Report = (type, reason, message) => Record(type, reason, message, slot),
        };
    }

    /// <summary>Keeps the current and the previous instance's log, as the kubelet does. Called once the new instance's
    /// start has come back (its log exists then): until then the last one's is the current log, and the one before
    /// it is what --previous serves.</summary>
    private void PruneOldLogs(ContainerSlot slot)
    {
        var dir = _context.Paths.LogDirectory(DiskName, slot.Name);
        foreach (var n in LogLocator.Instances(dir))
            if (n < slot.RestartCount - 1) LogLocator.Delete(dir, n);
    }

    /// <summary>Arms the retry timer; callers do so before recording the event that reports the failure.</summary>
    /// <remarks>The retry runs on the worker loop, unless the pod is shutting down by then.</remarks>
    private void RetryAfterInterval(Action retry) => _timers.After(_context.SetupRetryInterval, new PodEvent.SetupRetry(retry));
}
