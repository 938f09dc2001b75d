namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>One other user per test class, and a directory every user can traverse (0755) for the tests' files.</summary>
public sealed class OtherUserFixture : IDisposable
{
    public OtherUserFixture()
    {
        Base = Directory.CreateTempSubdirectory("sup-other-user-").FullName;
        File.SetUnixFileMode(Base, (UnixFileMode)0x1ED); // 0755
        User = OtherUser.Create(Base);
    }

    /// <summary>Root's, 0755.</summary>
    public string Base { get; }

    internal OtherUser User { get; }

    /// <summary>A fresh root-owned 0755 directory for one test.</summary>
    public string NewDirectory()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Base, "t" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        return dir;
    }

    public void Dispose()
    {
        try { User.Dispose(); }
        finally { try { Directory.Delete(Base, recursive: true); } catch (IOException) { } }
    }
}
