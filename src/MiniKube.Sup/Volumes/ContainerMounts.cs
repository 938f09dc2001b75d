using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// How a host process sees the volumes it mounts (SPEC §3). sup does not give host processes a mount namespace,
/// so nothing appears at an absolute mountPath; instead each mounted volume's host directory is in the env var
/// <c>VOLUME_&lt;NAME&gt;</c> (which <c>$(VOLUME_&lt;NAME&gt;)</c> in command/args can use), and a relative mountPath
/// becomes a symlink under the container's working directory pointing at the volume (its subPath if any).
/// readOnly cannot be enforced this way.
/// </summary>
public static class ContainerMounts
{
    /// <summary>VOLUME_ + the volume name upper-cased, '-' as '_'.</summary>
    public static string VariableName(string volume) => "VOLUME_" + volume.ToUpperInvariant().Replace('-', '_');

    /// <summary>Makes the container's links and returns its VOLUME_* variables.</summary>
    /// <exception cref="ContainerConfigException">a mount names no set-up volume, or its link cannot be made.</exception>
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
            var target = string.IsNullOrEmpty(mount.SubPath) ? volume.HostPath : Path.Combine(volume.HostPath, mount.SubPath);
            // k8s: a subPath that does not exist yet is created as a directory.
            if (!string.IsNullOrEmpty(mount.SubPath) && !Path.Exists(target)) Directory.CreateDirectory(target);
            Link(Path.GetFullPath(Path.Combine(workingDirectory, mount.MountPath)), target);
        }
        return variables;
    }

    private static void Link(string link, string target)
    {
        try { Replace(link, target); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerConfigException($"cannot link mountPath {link} to its volume: {e.Message}");
        }
    }

    private static void Replace(string link, string target)
    {
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null) existing.Delete();
        else if (Path.Exists(link))
            throw new ContainerConfigException($"cannot link mountPath {link} to its volume: something that is not a link is already there");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
    }
}
