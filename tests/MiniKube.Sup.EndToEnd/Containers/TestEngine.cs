using CliWrap.Buffered;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>
/// A container engine's command line, for tests, and what the tests ask it: whether it answers, and what it still
/// holds that carries a label (<c>key=value</c>, or <c>key</c> for any value): every container and pod a test or its
/// daemon makes is labelled, and none may be left when it is done. The engine's own configuration comes from the
/// environment, as the daemon's does: CONTAINERS_CONF for podman, DOCKER_HOST for docker (.ci/run sets both).
/// </summary>
public sealed class TestEngine
{
    public static readonly TestEngine Podman = new("podman", hasPods: true);

    public static readonly TestEngine Docker = new("docker", hasPods: false);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly bool _hasPods;
    private readonly Lazy<Task<string?>> _problem;

    private TestEngine(string name, bool hasPods)
    {
        Name = name;
        _hasPods = hasPods;
        _problem = new(ProbeAsync);
    }

    /// <summary>podman or docker: the executable, the daemon's <c>--container-engine</c>, the containerID scheme.</summary>
    public string Name { get; }

    /// <summary>What a daemon is started with to use this engine.</summary>
    public string[] DaemonArguments => ["--container-engine", Name];

    public override string ToString() => Name;

    public Task<BufferedCommandResult> RunAsync(params string[] arguments) => MarkedCommand.RunAsync(Name, arguments, Timeout);

    /// <summary>Its standard output; a non-zero exit throws with its standard error.</summary>
    public async Task<string> OutputAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{Name} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError.Trim()}");
        return result.StandardOutput;
    }

    /// <summary>Null when the engine answers (docker: its daemon too), else why not; asked once.</summary>
    public Task<string?> ProblemAsync() => _problem.Value;

    /// <summary>Fails with what to do unless the engine answers: a test of an engine never skips.</summary>
    public async Task EnsureReachableAsync()
    {
        if (await ProblemAsync() is { } problem)
            throw new InvalidOperationException(Name == "docker"
                ? $"the docker tests need a running dockerd, found through DOCKER_HOST ({Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "not set"}): {problem}. " +
                  "Start one with tests/images/start-dockerd.sh DIR and export DOCKER_HOST=unix://DIR/docker.sock (.ci/run does)."
                : $"the podman tests need podman: {problem}");
    }

    public async Task<IReadOnlyList<string>> FindLeftoversAsync(string label)
    {
        var containers = await OutputAsync("ps", "--all", "--filter", "label=" + label, "--format", "container {{.ID}} {{.Names}} {{.Image}} {{.Status}}");
        var pods = _hasPods ? await OutputAsync("pod", "ps", "--filter", "label=" + label, "--format", "pod {{.Id}} {{.Name}} {{.Status}}") : "";
        return [.. Lines(containers), .. Lines(pods)];
    }

    /// <summary>Fails, naming them, unless none is left (a removal that is under way is given a few seconds).</summary>
    public async Task AssertNoLeftoversAsync(string label)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<string> left;
        while ((left = await FindLeftoversAsync(label)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        if (left.Count > 0) Assert.Fail($"{Name} still holds what carries {label}:\n" + string.Join('\n', left));
    }

    /// <summary>Removes them, for a test's Dispose: pods (with their containers) first, then containers.</summary>
    public async Task RemoveLeftoversAsync(string label)
    {
        if (_hasPods)
            foreach (var pod in Lines(await OutputAsync("pod", "ps", "--filter", "label=" + label, "--format", "{{.Id}}")))
                await RunAsync("pod", "rm", "--force", pod);
        foreach (var container in Lines(await OutputAsync("ps", "--all", "--filter", "label=" + label, "--format", "{{.ID}}")))
            await RunAsync(_hasPods ? ["rm", "--force", "--time", "0", container] : ["rm", "--force", container]);
    }

    private async Task<string?> ProbeAsync()
    {
        try
        {
            // docker: the server's version, which only its daemon gives (the client answers its own without one).
            var result = await RunAsync("version", "--format", _hasPods ? "{{.Client.Version}}" : "{{.Server.Version}}");
            return result.ExitCode == 0 ? null : $"{Name} version exited {result.ExitCode}: {result.StandardError.Trim()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            return $"{Name} cannot be run: {e.Message}";
        }
    }

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
