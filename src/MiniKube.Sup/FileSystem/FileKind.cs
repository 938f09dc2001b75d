namespace MiniKube.Sup.FileSystem;

/// <summary>What a path in the state dir is expected to be.</summary>
public enum FileKind
{
    RegularFile,
    Directory,
    Socket,
}
