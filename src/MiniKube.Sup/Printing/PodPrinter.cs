using k8s.Models;

namespace MiniKube.Sup.Printing;

/// <summary>The READY, STATUS and RESTARTS columns exactly as kubectl computes them (pkg/printers/internalversion
/// printPod): the phase, overridden by init progress (Init:N/M, Init:Error), a container's waiting or terminated
/// reason, Completed/NotReady, and Terminating while the pod is being deleted. One difference: RESTARTS counts the
/// init containers' restarts after initialization too (a Job's retried step).</summary>
public static class PodPrinter
{
    public sealed record PodColumns(string Ready, string Status, string Restarts, string Ip);

    public static PodColumns Columns(V1Pod pod, DateTime now)
    {
        var status = pod.Status ?? new V1PodStatus();
        var totalContainers = pod.Spec?.Containers?.Count ?? 0;
        var readyContainers = 0;
        var restarts = 0;
        DateTime? lastRestart = null;
        var reason = status.Reason ?? status.Phase ?? "Pending";

        var initStatuses = status.InitContainerStatuses ?? [];
        var initSpecs = pod.Spec?.InitContainers ?? [];
        var sidecars = initSpecs.Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet();
        totalContainers += sidecars.Count;

        var initializing = false;
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var c = initStatuses[i];
            restarts += c.RestartCount;
            Track(c, ref lastRestart);
            if (sidecars.Contains(c.Name))
            {
                if (c.Started == true && c.Ready) readyContainers++;
                continue;
            }
            if (c.State?.Terminated is { ExitCode: 0 }) continue;
            if (c.State?.Terminated is { } t)
            {
                reason = string.IsNullOrEmpty(t.Reason)
                    ? (t.Signal is { } sig and not 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{t.ExitCode}")
                    : "Init:" + t.Reason;
                initializing = true;
            }
            else if (c.State?.Waiting is { Reason: { Length: > 0 } wr } && wr != "PodInitializing")
            {
                reason = "Init:" + wr;
                initializing = true;
            }
            else
            {
                reason = $"Init:{i}/{initSpecs.Count}";
                initializing = true;
            }
            break;
        }

        if (!initializing)
        {
            // kubectl keeps only the sidecars' restarts once the pod is initialized; here a Job's steps are its init
            // containers, and a retried step must show: every init container's restarts count.
            restarts = initStatuses.Sum(c => c.RestartCount);
            var hasRunning = false;
            var statuses = status.ContainerStatuses ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var c = statuses[i];
                restarts += c.RestartCount;
                Track(c, ref lastRestart);
                if (c.State?.Waiting is { Reason: { Length: > 0 } wr }) reason = wr;
                else if (c.State?.Terminated is { } t)
                    reason = !string.IsNullOrEmpty(t.Reason) ? t.Reason : t.Signal is { } sig and not 0 ? $"Signal:{sig}" : $"ExitCode:{t.ExitCode}";
                else if (c.Ready && c.State?.Running is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason == "Completed" && hasRunning)
                reason = status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "Running" : "NotReady";
        }

        if (pod.Metadata?.DeletionTimestamp is not null) reason = "Terminating";

        var restartText = restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (restarts > 0 && lastRestart is { } when)
            restartText += $" ({HumanDuration.Format(now - when)} ago)";
        return new PodColumns($"{readyContainers}/{totalContainers}", reason, restartText, status.PodIP ?? "<none>");
    }

    private static void Track(V1ContainerStatus c, ref DateTime? lastRestart)
    {
        if (c.LastState?.Terminated?.FinishedAt is { } f && (lastRestart is null || f > lastRestart)) lastRestart = f;
    }
}
