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
        if (await LeftoversAsync(label) is { Length: > 0 } left) Assert.Fail(left);
    }

    /// <summary>What still carries <paramref name="label"/> once the engine has had its patience, said in one text
    /// (empty when nothing is left).</summary>
    public async Task<string> LeftoversAsync(string label)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<string> left;
        while ((left = await FindLeftoversAsync(label)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        return left.Count > 0 ? $"{Name} still holds what carries {label}:\n" + string.Join('\n', left) : "";
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

    /// <summary>What a failed connection to a published port needs to be understood, for the failure's message: the
    /// container's state and address (and, given <paramref name="containerPort"/>, the sockets inside it), the host's addresses and routes, who listens on the port, the engine's proxies, and for docker the end of
    /// its daemon's log (start-dockerd.sh keeps it next to the socket). It sends no traffic beyond loopback.</summary>
    public async Task<string> NetworkReportAsync(string? container, string address, int port, int? containerPort = null)
    {
        var report = new System.Text.StringBuilder($"\n--- {Name} network report for {address}:{port} ---\n");
        async Task Add(string title, string file, params string[] args)
        {
            try
            {
                var (code, output, error) = await SupDaemon.Run(file, args, timeoutSeconds: 15);
                report.Append($"$ {title} (exit {code})\n{output.TrimEnd()}{(error.Length > 0 ? "\n" + error.TrimEnd() : "")}\n");
            }
            catch (Exception e) { report.Append($"$ {title}: {e.Message}\n"); }
        }
        if (container is not null)
        {
            await Add("inspect", Name, "inspect", "--format",
                "{{.State.Status}} pid={{.State.Pid}} ip={{.NetworkSettings.IPAddress}} ports={{json .NetworkSettings.Ports}}", container);
            if (containerPort is { } inside)
                await Add($"listening inside the container (port {inside} is {inside:X4}; state 0A)", Name, "exec", container, "cat", "/proc/net/tcp");
            await Add("ip route get (the container's address)", "sh", "-c",
                $"ip=$({Name} inspect --format '{{{{.NetworkSettings.IPAddress}}}}' {container}) && [ -n \"$ip\" ] && ip route get \"$ip\"");
        }
        await Add("ip -4 -br addr", "ip", "-4", "-br", "addr");
        await Add("ip -4 route", "ip", "-4", "route");
        await Add("listeners on the port", "sh", "-c", $"ss -ltnpH 'sport = :{port}'");
        await Add("engine proxies", "sh", "-c", "pgrep -a 'docker-proxy|rootlessport|conmon' | cut -c1-200 | tail -n 20");
        await Add("nat rules", "sh", "-c", "iptables-save -t nat 2>&1 | grep -v '^#' | head -n 40; nft list tables 2>&1");
        if (Name == "docker" && Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal))
            await Add("dockerd.log", "tail", "-n", "30", Path.Combine(Path.GetDirectoryName(host["unix://".Length..])!, "dockerd.log"));
        return report.ToString();
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
