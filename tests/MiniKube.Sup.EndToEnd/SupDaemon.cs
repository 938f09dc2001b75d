using System.Diagnostics;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>A real `sup run` daemon in a temp dir, with helpers to run `sup` client commands and kubectl
/// against it. Disposing stops it with SIGTERM (exit 0 expected) and asserts nothing is left behind.</summary>
internal sealed class SupDaemon : IAsyncDisposable
{
    private SupProcess? _process;

    public SupDaemon(string manifest)
    {
        Dir = Directory.CreateTempSubdirectory("sup-daemon-").FullName;
        ManifestPath = Path.Combine(Dir, "supervisor.yaml");
        WriteManifest(manifest);
    }

    public string Dir { get; }
    public string ManifestPath { get; }
    public string StateDir => Path.Combine(Dir, "state");
    public SupProcess Process => _process ?? throw new InvalidOperationException("not started");
    public int? Port { get; private set; }
    /// <summary>--backoff-base in seconds: short by default so restart tests do not wait; "0" for no delay.</summary>
    public string BackoffBase { get; init; } = "0.2";
    /// <summary>A program that execs sup with the arguments after it (e.g. <c>prlimit --nofile=512:512 --</c>).</summary>
    public string[] Launcher { get; init; } = [];
    public string Kubeconfig => Path.Combine(StateDir, "kubeconfig");
    /// <summary>How many of the daemon's latest output lines <see cref="Process"/> keeps (all by default).</summary>
    public int KeepOutputLines { get; init; } = int.MaxValue;
    /// <summary>The sup executable the next <see cref="StartAsync"/> runs `sup run` with: the tests' build unless a
    /// test of an upgrade changes it between a --keep-running stop and the next start. Client commands
    /// (<see cref="Sup"/>) always run the tests' build.</summary>
    public string Executable { get; set; } = Binaries.Sup;

    public void WriteManifest(string yaml) => File.WriteAllText(ManifestPath, yaml.Replace("TESTAPP", Binaries.TestApp));

    public async Task StartAsync(bool listen = false, params string[] extra)
    {
        string[] args = ["run", "-f", ManifestPath, "--state-dir", StateDir, "--backoff-base", BackoffBase, "--backoff-max", "1"];
        if (listen)
        {
            Port = FreePort();
            args = [.. args, "--listen", $"127.0.0.1:{Port}"];
        }
        _process = SupProcess.StartThrough(Executable, Launcher, KeepOutputLines, [.. args, .. extra]);
        await Poll.Until(() => File.Exists(Path.Combine(StateDir, "sup.sock")) || _process.HasExited, "the API socket", 30);
        Assert.False(_process.HasExited, "sup run exited:\n" + _process.Output);
    }

    public async Task<int> StopAsync()
    {
        Process.Signal(Native.SIGTERM);
        var code = await Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        return code;
    }

    /// <summary>Runs `sup ARGS --state-dir STATE` and returns its exit code, stdout and stderr.</summary>
    public Task<(int Code, string Out, string Err)> Sup(params string[] args) => Run(Binaries.Sup, [.. args, "--state-dir", StateDir]);

    public Task<(int Code, string Out, string Err)> Kubectl(params string[] args) =>
        Run("kubectl", args, new Dictionary<string, string> { ["KUBECONFIG"] = Kubeconfig });

    /// <summary>A pod's uid (its logs live under it: <see cref="StatePaths.PodLogDirectory"/>).</summary>
    public async Task<string> UidOf(string pod)
    {
        var (code, uid, err) = await Sup("get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
        Assert.True(code == 0 && uid.Length > 0, $"no uid for pod {pod}: {err}");
        return uid;
    }

    /// <summary>Runs `sup ARGS --state-dir STATE` with <paramref name="stdin"/> as its standard input.</summary>
    public Task<(int Code, string Out, string Err)> SupWithInput(string stdin, params string[] args) => Run(Binaries.Sup, [.. args, "--state-dir", StateDir], stdin: stdin);

    public static async Task<(int Code, string Out, string Err)> Run(string file, string[] args, Dictionary<string, string>? env = null, double timeoutSeconds = 60, string? stdin = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env ?? []) info.Environment[k] = v;
        using var p = DotnetChildren.Start(info);
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, await stdout, await stderr);
    }

    public async Task WaitForPodAsync(string pod, string phase = "Running", double seconds = 30)
    {
        await Poll.Until(() =>
        {
            var (code, output, _) = Sup("get", "pod", pod, "-o", "json").GetAwaiter().GetResult();
            return code == 0 && output.Contains($"\"phase\": \"{phase}\"");
        }, $"pod {pod} {phase}", seconds);
    }

    public static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Signal(Native.SIGTERM);
            try { await _process.WaitForExitAsync(TimeSpan.FromSeconds(60)); } catch (TimeoutException) { }
        }
        if (_process is not null) await _process.DisposeAsync();
        try { await Leftovers.AssertNoneAsync(new StatePaths(StateDir)); }
        finally { try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } }
    }
}
