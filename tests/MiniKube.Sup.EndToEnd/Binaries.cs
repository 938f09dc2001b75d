namespace MiniKube.Sup.EndToEnd;

/// <summary>Where the test child and the sup executable were built (same configuration as these tests).</summary>
internal static class Binaries
{
    private static readonly string Base = AppContext.BaseDirectory;
    private static readonly string Configuration = new DirectoryInfo(Base).Parent!.Name; // bin/<Configuration>/net10.0/
    /// <summary>The repository's tests/ folder.</summary>
    public static string Tests { get; } = Path.GetFullPath(Path.Combine(Base, "..", "..", "..", ".."));

    public static string TestApp { get; } = Existing(Path.Combine(Tests, "TestApp", "bin", Configuration, "net10.0", "testapp"));

    public static string Sup { get; } = Existing(Path.Combine(Tests, "..", "src", "MiniKube.Sup.Cli", "bin", Configuration, "net10.0", "sup"));

    private static string Existing(string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"build it first: {path}");
}
