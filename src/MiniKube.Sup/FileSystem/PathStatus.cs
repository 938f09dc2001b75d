namespace MiniKube.Sup.FileSystem;

/// <summary>What lstat says about one path: its type and permission bits (st_mode), its owner and group.</summary>
public readonly record struct PathStatus(int Mode, uint Uid, uint Gid)
{
    private const int TypeMask = 0xF000, Link = 0xA000, Directory = 0x4000, Regular = 0x8000, Socket = 0xC000;
    private const int GroupWrite = 0x10, OtherWrite = 0x2, Sticky = 0x200;

    public bool IsSymbolicLink => (Mode & TypeMask) == Link;
    public bool IsDirectory => (Mode & TypeMask) == Directory;

    public bool Is(FileKind kind) => (Mode & TypeMask) == kind switch
    {
        FileKind.RegularFile => Regular,
        FileKind.Socket => Socket,
        _ => Directory,
    };

    /// <summary>The permission bits with setuid, setgid and sticky (07777).</summary>
    public int Permissions => Mode & 0xFFF;

    public bool WritableByGroup => (Mode & GroupWrite) != 0;
    public bool WritableByOthers => (Mode & OtherWrite) != 0;

    /// <summary>Sticky directory: only an entry's owner (or the directory's, or root) may rename or remove it.</summary>
    public bool IsSticky => (Mode & Sticky) != 0;

    /// <summary>0755-style octal, as chmod and ls -l users read modes.</summary>
    public string OctalPermissions => Convert.ToString(Permissions, 8).PadLeft(4, '0');
}
