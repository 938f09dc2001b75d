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
            // k8s atomic writer: directories for nested item paths are 0755 (MkdirAll 0777 under the kubelet's umask).
            Directory.CreateDirectory(Path.GetDirectoryName(full)!, NestedDirectoryMode);
            WriteFile(full, content, (UnixFileMode)(fileMode & 0x1FF));
        }
    }

    /// <summary>The directory of an emptyDir, configMap or secret volume, 0777 whatever the umask (k8s: configMap
    /// and secret volumes are set up on a wrapped emptyDir, and an emptyDir's directory is 0777). Nobody else walks in
    /// through the state dir (0700); a pod reaches its volumes through their mounts, whoever it runs as.</summary>
    public static void CreateVolumeDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
    }

    private const UnixFileMode NestedDirectoryMode = (UnixFileMode)0x1ED; // 0755

    /// <summary>Created with its mode (never wider, not even while it is written), then given exactly that mode, which
    /// the umask may have narrowed (the kubelet chmods after writing for the same reason).</summary>
    private static void WriteFile(string path, byte[] content, UnixFileMode mode)
    {
        using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
            file.Write(content);
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Starts each projection from an empty directory, so a key removed since the last set-up is gone.</summary>
    private static void Clear(string directory)
    {
        CreateVolumeDirectory(directory);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d && d.LinkTarget is null) d.Delete(recursive: true);
            else entry.Delete();
        }
    }
}
