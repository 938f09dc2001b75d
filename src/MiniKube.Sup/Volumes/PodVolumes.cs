using System.Globalization;
using System.Runtime.InteropServices;
using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// Sets up a pod's volumes before its first container starts (k8s: volumes are mounted before init containers)
/// and tears down what needs it when the pod goes:
/// emptyDir is a directory in the pod directory (tmpfs when medium is Memory and the daemon may mount);
/// hostPath is the host path after its type check; persistentVolumeClaim is <c>&lt;state-dir&gt;/volumes/&lt;claim&gt;</c>;
/// configMap, secret, downwardAPI and projected volumes are files projected into the pod directory.
/// </summary>
/// <param name="token">the service account token of the pod's namespace, for projected serviceAccountToken sources</param>
public sealed class PodVolumes(StatePaths paths, IConfigSource config, Func<string?>? token = null)
{
    private const string MemoryNote = "tmpfs";

    /// <summary>Sets up every volume of the pod; idempotent, so a failed set-up can simply be retried.</summary>
    /// <exception cref="VolumeSetupException">a volume cannot be set up yet (FailedMount).</exception>
    public IReadOnlyList<PreparedVolume> SetUp(V1Pod pod)
    {
        var result = new List<PreparedVolume>();
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            try { result.Add(SetUp(pod, volume)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VolumeSetupException(volume.Name, e.Message);
            }
        }
        return result;
    }

    private PreparedVolume SetUp(V1Pod owner, V1Volume volume)
    {
        var name = volume.Name;
        var pod = StatePaths.OnDisk(owner.Metadata.NamespaceProperty, owner.Metadata.Name);
        if (volume.EmptyDir is { } emptyDir)
        {
            var dir = paths.PodVolumeDirectory(pod, name);
            VolumeProjection.CreateVolumeDirectory(dir);
            var note = emptyDir.Medium == "Memory" ? MountTmpfs(dir, emptyDir.SizeLimit) : null;
            return new PreparedVolume(name, dir, note);
        }
        if (volume.HostPath is { } hostPath)
        {
            HostPathCheck.Check(name, hostPath.Path, hostPath.Type);
            return new PreparedVolume(name, hostPath.Path);
        }
        if (volume.PersistentVolumeClaim is { } claim)
        {
            // Validation refuses a claimName that is not a name (k8s: a PVC's name is a DNS subdomain); an object
            // stored by an older sup is checked here all the same, so that no path outside the state dir is made.
            if (Spec.NameRules.Dns1123Subdomain(claim.ClaimName ?? "") is { } problem)
                throw new VolumeSetupException(name, $"invalid claim name \"{claim.ClaimName}\": {problem}");
            var dir = paths.VolumeDirectory(StatePaths.OnDisk(owner.Metadata.NamespaceProperty, claim.ClaimName!));
            Directory.CreateDirectory(dir);
            return new PreparedVolume(name, dir);
        }
        if (volume.ConfigMap is { } cm)
        {
            var dir = paths.PodVolumeDirectory(pod, name);
            var optional = cm.Optional == true;
            var found = config.GetConfigMap(cm.Name);
            if (found is null && !optional) throw new VolumeSetupException(name, $"configmap \"{cm.Name}\" not found");
            VolumeProjection.Write(name, dir, found is null ? [] : ConfigData.Of(found), cm.Items, cm.DefaultMode, optional, "configmap");
            return new PreparedVolume(name, dir, "files written at pod start");
        }
        if (volume.Secret is { } secret)
        {
            var dir = paths.PodVolumeDirectory(pod, name);
            var optional = secret.Optional == true;
            var found = config.GetSecret(secret.SecretName);
            if (found is null && !optional) throw new VolumeSetupException(name, $"secret \"{secret.SecretName}\" not found");
            VolumeProjection.Write(name, dir, found is null ? [] : ConfigData.Of(found), secret.Items, secret.DefaultMode, optional, "secret");
            return new PreparedVolume(name, dir, "files written at pod start");
        }
        if (volume.DownwardAPI is { } downward)
        {
            var files = new ProjectedFiles(name);
            files.AddDownwardApi(owner, downward.Items);
            var dir = paths.PodVolumeDirectory(pod, name);
            files.Write(dir, downward.DefaultMode);
            return new PreparedVolume(name, dir, "files written at pod start");
        }
        if (volume.Projected is { } projected)
        {
            var files = new ProjectedFiles(name);
            foreach (var source in projected.Sources ?? [])
            {
                if (source.ConfigMap is { } c)
                    files.AddConfig(config.GetConfigMap(c.Name) is { } m ? ConfigData.Of(m) : null, c.Items, c.Optional == true, $"configmap \"{c.Name}\"");
                else if (source.Secret is { } s)
                    files.AddConfig(config.GetSecret(s.Name) is { } found ? ConfigData.Of(found) : null, s.Items, s.Optional == true, $"secret \"{s.Name}\"");
                else if (source.DownwardAPI is { } d)
                    files.AddDownwardApi(owner, d.Items);
                else if (source.ServiceAccountToken is { } t)
                    files.AddToken(t.Path, token?.Invoke());
            }
            var dir = paths.PodVolumeDirectory(pod, name);
            files.Write(dir, projected.DefaultMode);
            return new PreparedVolume(name, dir, "files written at pod start");
        }
        throw new VolumeSetupException(name, "volume type not supported on this host (emptyDir, hostPath, persistentVolumeClaim, configMap, secret, downwardAPI and projected are)");
    }

    /// <summary>k8s: medium Memory is a tmpfs sized by sizeLimit. Mounting needs root (CAP_SYS_ADMIN); without it
    /// the volume is a plain directory on disk, and the note says so.</summary>
    private static string MountTmpfs(string dir, ResourceQuantity? sizeLimit)
    {
        if (MountTable.IsMountPoint(dir)) return MemoryNote;
        var options = "mode=0777";
        if (sizeLimit?.ToInt64() is > 0 and var size) options += ",size=" + size.ToString(CultureInfo.InvariantCulture);
        if (VolumeNative.mount("tmpfs", dir, "tmpfs", 0, options) == 0) return MemoryNote;
        var error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return $"plain directory on disk, not tmpfs: mount failed: {error}";
    }

    /// <summary>Unmounts what set-up mounted in the pod directory (tmpfs), so that it can be deleted; a memory
    /// volume's content is gone afterwards, as it is when its pod goes.</summary>
    public static void Teardown(string podDirectory)
    {
        foreach (var point in MountTable.Under(podDirectory))
            VolumeNative.umount2(point, VolumeNative.MNT_DETACH);
    }
}
