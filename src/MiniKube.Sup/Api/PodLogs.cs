using k8s.Models;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>Container logs from the files under the state dir: the current instance or, with previous, the
/// last terminated one; the whole log, its last N lines, or followed as it grows (across rotations) until the
/// instance has finished. The text alone, as the API server serves it: the files' CRI records are read back into
/// lines (partial records joined), without their timestamps and stream names.</summary>
public sealed class PodLogs(ObjectStore store, PodAgent pods, StatePaths paths) : IPodLogs
{
    public async Task<string?> WriteAsync(string ns, string pod, string? container, bool follow, bool previous, int? tailLines, Stream output, CancellationToken cancel, LogTextOptions? text = null)
    {
        // A finished pod (a Job's step, after a restart too) is not running, and its logs are still there.
        if (store.Get(Kinds.Pod.Kind, pod, ns)?.As<V1Pod>() is not { Spec: { } spec } found) return $"pod \"{pod}\" not found";
        var worker = pods.Worker(pod, ns);
        var containers = spec.Containers.Select(c => c.Name).Concat(spec.InitContainers?.Select(c => c.Name) ?? []).ToList();
        if (container is null)
        {
            if (spec.Containers.Count > 1)
                return $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", spec.Containers.Select(c => c.Name))}]";
            container = spec.Containers[0].Name;
        }
        if (!containers.Contains(container)) return $"container {container} is not valid for pod {pod}";

        var dir = paths.LogDirectory(StatePaths.OnDisk(ns, pod), found.Metadata.Uid ?? "", container);
        var running = worker?.Running.FirstOrDefault(c => c.Name == container);
        int? instance = previous ? LogLocator.Previous(dir) : running?.RestartCount ?? LogLocator.Current(dir);
        if (instance is not { } restartCount)
            return previous ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found" : null;
        if (!previous && !LogLocator.Exists(dir, restartCount)) return null;

        if (!follow || previous)
        {
            foreach (var chunk in LogReader.ReadText(dir, restartCount, tailLines, text))
                await output.WriteAsync(chunk, cancel).ConfigureAwait(false);
            return null;
        }

        // Follow: everything (or from where the last N lines begin) until this instance's output is drained.
        var from = tailLines is { } n ? LogReader.TailPosition(dir, restartCount, n) : null;
        var drained = running?.OutputDrained ?? Task.CompletedTask;
        try
        {
            await foreach (var chunk in LogReader.FollowTextAsync(dir, restartCount, from, () => drained.IsCompleted, cancel, text).ConfigureAwait(false))
            {
                await output.WriteAsync(chunk, cancel).ConfigureAwait(false);
                await output.FlushAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { /* the client stopped following */ }
        return null;
    }
}
