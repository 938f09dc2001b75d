namespace MiniKube.Sup.Store;

/// <summary>Why a state database could not be used.</summary>
public enum StateStoreFailure
{
    /// <summary>The file could not be opened or written (permissions, read-only or full file system, I/O error, locked).</summary>
    CannotOpen,

    /// <summary>The file is damaged, or is not an SQLite database at all.</summary>
    Corrupt,

    /// <summary>The file is a valid SQLite database, but not one sup created.</summary>
    NotAStateDatabase,

    /// <summary>The file was written by a newer sup whose schema this build does not know.</summary>
    NewerSchema,

    /// <summary>A write found no space left on the file system holding the file; it changed nothing.</summary>
    NoSpace,

    /// <summary>A write failed otherwise (read-only file or file system, I/O error, locked by another program); it
    /// changed nothing.</summary>
    CannotWrite,

    /// <summary>The file (or its -wal or -shm) is a symlink, or is not this user's, or others may write it: someone
    /// else could have put objects in it that the daemon would run.</summary>
    Untrusted,
}
