using MiniKube.Sup.FileSystem;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// k8s fsGroup (the kubelet's SetVolumeOwnership): every file of a pod's writable or projected volume is given to
/// group fsGroup, readable and writable by it, and every directory is setgid, so that what the pod's users create there
/// belongs to the group too. Symbolic links are not followed. Only a root daemon may; otherwise nothing is changed.
/// </summary>
public static class VolumeOwnership
{
    /// <exception cref="ContainerConfigException">a file could not be given to the group</exception>
    /// <param name="readOnly">a configMap, secret, downwardAPI or projected volume: group read only (k8s roMask)</param>
    public static void Apply(string root, long fsGroup, bool readOnly)
    {
        Give(root, fsGroup, directory: true, readOnly);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) continue;
            Give(entry.FullName, fsGroup, entry is DirectoryInfo, readOnly);
        }
    }

    private static void Give(string path, long gid, bool directory, bool readOnly)
    {
        if (FileSystemNative.lchown(path, -1, (int)gid) != 0)
            throw new ContainerConfigException($"fsGroup {gid}: cannot give {path} to the group: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        var mode = File.GetUnixFileMode(path) | UnixFileMode.GroupRead | (readOnly ? 0 : UnixFileMode.GroupWrite);
        if (directory) mode |= UnixFileMode.GroupExecute | UnixFileMode.SetGroup;
        File.SetUnixFileMode(path, mode);
    }
}
