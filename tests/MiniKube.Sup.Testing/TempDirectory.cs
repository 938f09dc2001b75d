namespace MiniKube.Sup.Testing;

/// <summary>A fresh directory under the system's temp directory for one test, removed with all it holds when the test
/// is done (best effort: a file still held open must not fail the test).</summary>
public sealed class TempDirectory(string prefix = "sup-test-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
