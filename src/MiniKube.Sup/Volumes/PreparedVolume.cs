namespace MiniKube.Sup.Volumes;

/// <summary>A pod volume once set up: the host path that backs it, and a note on how (tmpfs, projected files).</summary>
public sealed record PreparedVolume(string Name, string HostPath, string? Note = null);
