using MiniKube.Sup.EndToEnd.Containers;

namespace MiniKube.Sup.EndToEnd.Hosting;

/// <summary>The NativeAOT sup and sup-daemon as the README publishes them: the directory SUP_PUBLISH_DIR names
/// (.ci/run publishes before the tests and sets it), else published here once for the test class (a few minutes).</summary>
public sealed class PublishedSup : IAsyncLifetime
{
    public const string Variable = "SUP_PUBLISH_DIR";

    private string? _own;

    public string Dir { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            Dir = given;
        }
        else
        {
            _own = Directory.CreateTempSubdirectory("sup-publish-").FullName;
            var project = Path.Combine(Binaries.Tests, "..", "src", "MiniKube.Sup.Cli");
            var result = await MarkedCommand.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", _own], TimeSpan.FromMinutes(20));
            if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{result.StandardOutput}\n{result.StandardError}");
            Dir = _own;
        }
        foreach (var file in new[] { "sup", "sup-daemon" })
        {
            if (!File.Exists(Path.Combine(Dir, file)))
                throw new InvalidOperationException($"{Variable}={Dir} holds no {file}: dotnet publish src/MiniKube.Sup.Cli -c Release -o DIR puts sup and sup-daemon there");
        }
    }

    public Task DisposeAsync()
    {
        if (_own is not null) Directory.Delete(_own, recursive: true);
        return Task.CompletedTask;
    }
}
