namespace MiniKube.Sup.Spec;

/// <summary>SPEC §3: a host container is given VOLUME_&lt;NAME&gt; for each volume it mounts (the volume's directory
/// on the host), declared so that $(VOLUME_&lt;NAME&gt;) expands in its command, args and env.</summary>
public static class VolumeVariables
{
    public static string NameOf(string volume) => "VOLUME_" + volume.ToUpperInvariant().Replace('-', '_');
}
