using MiniKube.Sup.Events;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's volume and container-config set-up: what happens before a container can be started,
/// and the retries when it cannot yet.</summary>
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
            _volumes = new PodVolumes(_context.Paths, _context.Config).SetUp(_pod);
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

    /// <summary>k8s: a container whose ConfigMap, Secret or key is missing waits in CreateContainerConfigError
    /// (event Failed, "Error: configmap \"x\" not found") and is tried again on a later sync.</summary>
    private void OnConfigError(ContainerSlot slot, ContainerConfigException e)
    {
        slot.MarkWaiting("CreateContainerConfigError", e.Message);
        var instance = slot.Instance;
        RetryAfterInterval(() =>
        {
            if (slot.Instance == instance && _terminalPhase is null) StartContainer(slot);
        });
        Record(SupEvent.Warning, "Failed", $"Error: {e.Message}", slot);
    }

    /// <summary>Arms the retry timer; callers do so before recording the event that reports the failure.</summary>
    /// <remarks>The retry runs on the worker loop, unless the pod is shutting down by then.</remarks>
    private void RetryAfterInterval(Action retry) => _timers.After(_context.SetupRetryInterval, new PodEvent.SetupRetry(retry));
}
