using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class ManifestFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-manifest-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Map(string name) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n";

    [Fact]
    public void A_directory_is_its_manifest_files_in_Go_walk_order_and_subdirectories_only_when_recursive()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "b"));
        File.WriteAllText(Path.Combine(_dir, "c.yaml"), Map("c"));
        File.WriteAllText(Path.Combine(_dir, "a.json"), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}""");
        File.WriteAllText(Path.Combine(_dir, "b", "inner.yml"), Map("inner"));
        File.WriteAllText(Path.Combine(_dir, "README.md"), "# not read");

        Assert.Equal(["a", "c"], ManifestLoader.LoadFiles([_dir]).Objects.Select(o => o.Name));
        Assert.Equal(["a", "inner", "c"], ManifestLoader.LoadFiles([_dir], new ManifestLoadOptions { Recursive = true }).Objects.Select(o => o.Name));
    }

    [Fact]
    public void A_directory_without_manifest_files_is_an_error_that_names_it()
    {
        var result = ManifestLoader.LoadFiles([_dir]);
        var error = Assert.Single(result.Errors);
        Assert.Equal(_dir, error.File);
        Assert.Contains("no manifest files in this directory (-R reads its subdirectories)", error.Message);
    }

    [Fact]
    public void Standard_input_is_read_where_the_command_allows_it_and_refused_where_it_does_not()
    {
        var read = ManifestLoader.LoadFiles(["-"], new ManifestLoadOptions { Stdin = new StringReader(Map("piped")) });
        Assert.Equal(["piped"], read.Objects.Select(o => o.Name));

        var refused = ManifestLoader.LoadFiles(["-"]);
        Assert.Contains("read by apply, delete and validate", Assert.Single(refused.Errors).Message);
    }
}
