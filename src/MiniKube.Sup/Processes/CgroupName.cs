using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>The directory name of a container instance's cgroup: <c>POD_UID8_CONTAINER_INSTANCE</c>, readable in
/// systemd-cgls and unique: '_' is in no Kubernetes pod or container name (DNS names), and the pod uid tells a
/// pod from an earlier one of the same name whose clean-up is not over.</summary>
public static class CgroupName
{
    private const int MaxLength = 255; // a file name

    public static string For(string pod, string podUid, string container, int instance)
    {
        var uid = Safe(podUid.Replace("-", "", StringComparison.Ordinal));
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{Safe(pod)}_{uid[..Math.Min(8, uid.Length)]}_{Safe(container)}_{instance}");
        if (name.Length <= MaxLength) return name;
        // Too long for a file name: keep a readable start and make it unique with a hash of the whole.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];
        return name[..(MaxLength - hash.Length - 1)] + "_" + hash;
    }

    /// <summary>Anything but a-z, 0-9, '.' and '-' (what validated names hold) becomes '-': no '/', no newline,
    /// nothing a cgroup file system refuses.</summary>
    private static string Safe(string part)
    {
        var text = new StringBuilder(part.Length);
        foreach (var c in part.ToLowerInvariant()) text.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' ? c : '-');
        return text.Length == 0 ? "-" : text.ToString();
    }
}
