namespace MiniKube.Sup.Tests.Store;

/// <summary>A fresh directory for one test's database, removed afterwards.</summary>
internal sealed class TempStoreDirectory : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("sup-store-").FullName;

    public string DatabasePath => Path.Combine(Root, "state", "sup.db");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
