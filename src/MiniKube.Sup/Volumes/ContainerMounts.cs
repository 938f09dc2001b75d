using k8s.Models;
using MiniKube.Sup.FileSystem;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// How a host process sees the volumes it mounts (SPEC §3). sup does not give host processes a mount namespace,
/// so nothing appears at an absolute mountPath; instead each mounted volume's host directory is in the env var
/// <c>VOLUME_&lt;NAME&gt;</c> (which <c>$(VOLUME_&lt;NAME&gt;)</c> in command/args can use), and a relative mountPath
/// becomes a symlink under the container's working directory pointing at the volume (its subPath if any); neither
/// ever leaves its root (the working directory, the volume). readOnly cannot be enforced this way.
/// </summary>
public static class ContainerMounts
{
    /// <summary>Whether a volume is files the kubelet projects (configMap, secret, downwardAPI, projected): mounted
    /// read-only whatever the mount says, and given to an fsGroup read-only.</summary>
    public static bool IsProjection(V1Volume? volume) =>
        volume is not null && (volume.ConfigMap is not null || volume.Secret is not null || volume.DownwardAPI is not null || volume.Projected is not null);

    /// <summary>VOLUME_ + the volume name upper-cased, '-' as '_'.</summary>
    public static string VariableName(string volume) => Spec.VolumeVariables.NameOf(volume);

    /// <summary>Makes the container's links and returns its VOLUME_* variables.</summary>
    /// <exception cref="ContainerConfigException">a mount names no set-up volume, its subPath leaves the volume, or
    /// its link cannot be made.</exception>
    public static Dictionary<string, string> Prepare(V1Container container, IReadOnlyList<PreparedVolume> volumes, string workingDirectory)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = volumes.FirstOrDefault(v => v.Name == mount.Name)
                ?? throw new ContainerConfigException($"volume \"{mount.Name}\" is not a volume of the pod");
            variables[VariableName(volume.Name)] = volume.HostPath;
            // A working directory that does not exist is the runtime's error to report; links are not made there.
            if (Path.IsPathRooted(mount.MountPath) || !Directory.Exists(workingDirectory)) continue;
            Link(workingDirectory, mount.MountPath, SubPathTarget(volume, mount.SubPath));
        }
        return variables;
    }

    /// <summary>k8s (since CVE-2017-1002101): a subPath is resolved inside its volume, and refused when a symlink in
    /// the volume takes it out; one that does not exist yet is created as a directory.</summary>
    public static string SubPathTarget(PreparedVolume volume, string? subPath)
    {
        if (string.IsNullOrEmpty(subPath)) return volume.HostPath;
        var target = SecureJoin.Resolve(volume.HostPath, subPath, out var leaves);
        if (leaves) throw new ContainerConfigException($"subPath \"{subPath}\" leaves its volume (through a symbolic link)");
        try { if (!Path.Exists(target)) Directory.CreateDirectory(target); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerConfigException($"cannot create subPath \"{subPath}\" in its volume: {e.Message}");
        }
        return target;
    }

    /// <summary>The link lives where the mountPath resolves inside the working directory, as securejoin resolves it:
    /// `..` stops at the working directory and a symlink there is followed as if the working directory were /, so
    /// nothing outside it is ever created or replaced.</summary>
    private static void Link(string workingDirectory, string mountPath, string target)
    {
        var relative = mountPath.TrimEnd('/');
        var name = Path.GetFileName(relative);
        if (name is "" or "." or "..")
            throw new ContainerConfigException($"mountPath \"{mountPath}\" must name a link inside the working directory");
        var link = "";
        try
        {
            link = Path.Join(SecureJoin.Join(workingDirectory, Path.GetDirectoryName(relative) ?? ""), name);
            Replace(link, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerConfigException($"cannot link mountPath {(link.Length > 0 ? link : mountPath)} to its volume: {e.Message}");
        }
    }

    private static void Replace(string link, string target)
    {
        var existing = new FileInfo(link);
        if (existing.LinkTarget is { } current)
        {
            if (current == target) return;
            existing.Delete();
        }
        else if (Path.Exists(link))
        {
            throw new ContainerConfigException($"cannot link mountPath {link} to its volume: something that is not a link is already there");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
    }
}
