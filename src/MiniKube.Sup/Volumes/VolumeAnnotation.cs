using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// The pod annotation through which the daemon tells clients (describe) where each volume lives on the host and
/// how a container sees it: one line per volume, <c>name TAB host-path TAB note</c>. Set once the volumes are
/// set up, as the kubelet adds its own annotations to pods it runs.
/// </summary>
public static class VolumeAnnotation
{
    public const string Key = SupAnnotations.Volumes;

    public static string Format(IEnumerable<PreparedVolume> volumes) =>
        string.Join("\n", volumes.Select(v => $"{v.Name}\t{v.HostPath}\t{v.Note ?? ""}"));

    public static IReadOnlyList<PreparedVolume> Parse(string? value)
    {
        var result = new List<PreparedVolume>();
        foreach (var line in (value ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length < 2) continue;
            result.Add(new PreparedVolume(parts[0], parts[1], parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null));
        }
        return result;
    }
}
