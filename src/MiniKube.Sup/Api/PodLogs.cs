using System.Text;
using k8s.Models;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>Container logs from the files under the state dir: the current instance or, with previous, the
/// last terminated one; the whole log, its last N lines, or followed as it grows (across rotations) until the
/// instance has finished.</summary>
public sealed class PodLogs(ObjectStore store, PodAgent pods, StatePaths paths) : IPodLogs
{
    public async Task<string?> WriteAsync(string pod, string? container, bool follow, bool previous, int? tailLines, Stream output, CancellationToken cancel)
    {
        // A finished pod (a Job's step, after a restart too) is not running, and its logs are still there.
        if (store.Get("Pod", pod)?.As<V1Pod>().Spec is not { } spec) return $"pod \"{pod}\" not found";
        var worker = pods.Worker(pod);
        var containers = spec.Containers.Select(c => c.Name).Concat(spec.InitContainers?.Select(c => c.Name) ?? []).ToList();
        if (container is null)
        {
            if (spec.Containers.Count > 1)
                return $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", spec.Containers.Select(c => c.Name))}]";
            container = spec.Containers[0].Name;
        }
        if (!containers.Contains(container)) return $"container {container} is not valid for pod {pod}";

        var dir = paths.LogDirectory(pod, container);
        var running = worker?.Running.FirstOrDefault(c => c.Name == container);
        int? instance = previous ? LogLocator.Previous(dir) : running?.RestartCount ?? LogLocator.Current(dir);
        if (instance is not { } restartCount)
            return previous ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found" : null;
        if (!File.Exists(LogLocator.CurrentFile(dir, restartCount)) && !previous) return null;

        if (tailLines is { } n)
        {
            var lines = LogReader.Tail(dir, restartCount, n);
            var text = lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
            await output.WriteAsync(Encoding.UTF8.GetBytes(text), cancel).ConfigureAwait(false);
            if (!follow || previous) return null;
        }
        else if (!follow || previous)
        {
            await output.WriteAsync(LogReader.ReadAll(dir, restartCount), cancel).ConfigureAwait(false);
            return null;
        }

        // Follow: everything (or, after a tail, only what comes next) until this instance's output is drained.
        var skip = tailLines is null ? 0L : LogLength(dir, restartCount);
        var drained = running?.OutputDrained ?? Task.CompletedTask;
        try
        {
            await foreach (var chunk in LogReader.FollowAsync(dir, restartCount, () => drained.IsCompleted, cancel).ConfigureAwait(false))
            {
                var data = chunk;
                if (skip > 0)
                {
                    var drop = (int)Math.Min(skip, data.Length);
                    skip -= drop;
                    data = data[drop..];
                    if (data.IsEmpty) continue;
                }
                await output.WriteAsync(data, cancel).ConfigureAwait(false);
                await output.FlushAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { /* the client stopped following */ }
        return null;
    }

    private static long LogLength(string dir, int restartCount) =>
        LogLocator.Files(dir, restartCount).Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
}
