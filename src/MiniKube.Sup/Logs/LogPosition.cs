namespace MiniKube.Sup.Logs;

/// <summary>A place in an instance's log that survives rotation: the file by identity (it changes name as it ages,
/// never inode) and an offset in it.</summary>
public readonly record struct LogPosition((ulong Device, ulong Inode) File, long Offset);
