using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// Writes a ConfigMap's or Secret's entries as files (kubelet configmap/secret volume MakePayload): every key as a
/// file named after it, or only the listed <c>items</c> at their paths; each file gets the item's mode, else
/// defaultMode (k8s default 0644). Files are written once, when the pod's volumes are set up: later changes
/// to the object are not projected (k8s would update them within a sync period).
/// </summary>
public static class VolumeProjection
{
    public const int DefaultMode = 420; // 0644, k8s ConfigMapVolumeSourceDefaultMode and SecretVolumeSourceDefaultMode

    /// <param name="kind">"configmap" or "secret", for the messages.</param>
    public static void Write(string volume, string directory, Dictionary<string, byte[]> entries, IList<V1KeyToPath>? items, int? defaultMode, bool optional, string kind)
    {
        var files = new List<(string Path, byte[] Content, int Mode)>();
        var mode = defaultMode ?? DefaultMode;
        if (items is { Count: > 0 })
        {
            foreach (var item in items)
            {
                if (!entries.TryGetValue(item.Key, out var content))
                {
                    if (optional) continue;
                    // k8s wording: "configmap references non-existent config key: x" / "secret references non-existent secret key: x"
                    throw new VolumeSetupException(volume, kind == "secret"
                        ? $"references non-existent secret key: {item.Key}"
                        : $"configmap references non-existent config key: {item.Key}");
                }
                files.Add((item.Path, content, item.Mode ?? mode));
            }
        }
        else
        {
            files.AddRange(entries.Select(e => (e.Key, e.Value, mode)));
        }

        Clear(directory);
        foreach (var (path, content, fileMode) in files)
        {
            var full = Path.GetFullPath(Path.Combine(directory, path));
            if (!full.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new VolumeSetupException(volume, $"invalid path {path}: must stay inside the volume");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
            File.SetUnixFileMode(full, (UnixFileMode)(fileMode & 0x1FF));
        }
    }

    /// <summary>Starts each projection from an empty directory, so a key removed since the last set-up is gone.</summary>
    private static void Clear(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d && d.LinkTarget is null) d.Delete(recursive: true);
            else entry.Delete();
        }
    }
}
