using System.Text;
using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// The files of a downwardAPI or projected volume (k8s downwardAPI and projected volume plugins): each source's
/// entries at their paths with their modes, gathered first and then written as one projection
/// (<see cref="VolumeProjection"/>), so that one source cannot clear another's files.
/// </summary>
internal sealed class ProjectedFiles(string volume)
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    private readonly List<V1KeyToPath> _items = [];

    public void Write(string directory, int? defaultMode) =>
        VolumeProjection.Write(volume, directory, _entries, _items, defaultMode, optional: false, "projected");

    /// <summary>Every item of a downwardAPI source: a pod field (metadata.*) or a container's resource.</summary>
    public void AddDownwardApi(V1Pod pod, IList<V1DownwardAPIVolumeFile>? items)
    {
        foreach (var item in items ?? [])
        {
            string? value = null;
            if (item.FieldRef is { } field) value = DownwardApi.FieldValue(pod, field.FieldPath, podIp: null);
            else if (item.ResourceFieldRef is { } resource)
            {
                var container = pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []).FirstOrDefault(c => c.Name == resource.ContainerName)
                    ?? throw new VolumeSetupException(volume, $"resourceFieldRef names no container of the pod: \"{resource.ContainerName}\"");
                value = DownwardApi.ResourceValue(container, resource.Resource, resource.Divisor);
            }
            if (value is null) throw new VolumeSetupException(volume, $"item {item.Path}: nothing to write (fieldRef or resourceFieldRef not supported)");
            Add(item.Path, Encoding.UTF8.GetBytes(value), item.Mode);
        }
    }

    /// <summary>A ConfigMap's or Secret's entries (all, or the listed items at their paths).</summary>
    /// <param name="found">the object's entries; null when it does not exist</param>
    /// <param name="what">"configmap \"x\"" or "secret \"x\"", for the messages</param>
    public void AddConfig(Dictionary<string, byte[]>? found, IList<V1KeyToPath>? items, bool optional, string what)
    {
        if (found is null)
        {
            if (optional) return;
            throw new VolumeSetupException(volume, $"{what} not found");
        }
        if (items is not { Count: > 0 })
        {
            foreach (var (key, content) in found) Add(key, content, null);
            return;
        }
        foreach (var item in items)
        {
            if (found.TryGetValue(item.Key, out var content)) Add(item.Path, content, item.Mode);
            else if (!optional) throw new VolumeSetupException(volume, $"{what} has no key {item.Key}");
        }
    }

    /// <summary>A serviceAccountToken source: the pod's token (k8s: a bound token; here the namespace's, see the API's
    /// ServiceAccountTokens); none when the daemon does not serve the API to pods.</summary>
    public void AddToken(string path, string? token)
    {
        if (token is null) throw new VolumeSetupException(volume, "no service account token: the daemon does not serve its API to pods");
        Add(path, Encoding.UTF8.GetBytes(token), null);
    }

    private void Add(string path, byte[] content, int? mode)
    {
        _entries[path] = content;
        _items.RemoveAll(i => i.Path == path);
        _items.Add(new V1KeyToPath { Key = path, Path = path, Mode = mode });
    }
}
