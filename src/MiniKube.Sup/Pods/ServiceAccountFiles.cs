using k8s.Models;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>
/// What an image pod finds at <c>/var/run/secrets/kubernetes.io/serviceaccount</c> (k8s: the service account
/// admission plugin's kube-api-access volume): <c>token</c>, <c>ca.crt</c> and <c>namespace</c>, so that in-cluster
/// clients (client-go's rest.InClusterConfig, the official libraries) reach the API. Written into the pod directory and
/// bind-mounted read-only into every container, unless the pod says <c>automountServiceAccountToken: false</c> or the
/// container mounts something of its own there.
/// </summary>
public sealed record ServiceAccountFiles(string Token, string CaPem)
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static bool Wanted(V1Pod pod, V1Container container) =>
        pod.Spec.AutomountServiceAccountToken != false
        && container.VolumeMounts?.Any(m => m.MountPath.TrimEnd('/') == MountPath || MountPath.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal)) != true;

    /// <summary>Writes the files into <paramref name="podDirectory"/> (readable by any user the container runs as,
    /// as k8s' defaultMode 0644) and returns the mount.</summary>
    public BindMount WriteTo(string podDirectory, string ns)
    {
        var dir = Path.Combine(podDirectory, "serviceaccount");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var (name, content) in new[] { ("token", Token), ("ca.crt", CaPem), ("namespace", ns) })
        {
            var file = Path.Combine(dir, name);
            File.WriteAllText(file, content);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return new BindMount(dir, MountPath, ReadOnly: true);
    }
}
