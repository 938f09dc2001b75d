using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

using MiniKube.Sup.EndToEnd;

namespace MiniKube.Sup.Conformance;

/// <summary>
/// The real `sup run` daemon as a child process, serving the API on a loopback https port, with a pod `talker`
/// (the test child printing hello-1 and hello-2, then running until SIGTERM) and the official Kubernetes client
/// built from the kubeconfig the daemon writes. Disposing stops the daemon with SIGTERM and asserts it exits 0
/// and leaves no process behind.
/// </summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    public const string Namespace = "default";
    public const string Talker = "talker";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentDictionary<int, string> _containerPids = new();
    private Process? _process;
    private string _root = "";

    public string StateDir { get; private set; } = "";
    public int Port { get; private set; }
    public string Token { get; private set; } = "";
    public Uri Server => new($"https://127.0.0.1:{Port}");
    public Kubernetes Client { get; private set; } = null!;
    public string Output => string.Join("\n", _output);

    /// <summary>The owner-token prefix of every process this daemon starts (see StatePaths.DaemonId).</summary>
    public string DaemonId => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(StateDir))))[..12];

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("sup-conf-").FullName;
        StateDir = Path.Combine(_root, "state");
        var manifest = Path.Combine(_root, "supervisor.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {Talker}
              labels:
                app: {Talker}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  command: ["{Binaries.TestApp}"]
                  args: ["--print", "hello-1", "--print", "hello-2"]

            """);
        Port = FreePort();

        var info = new ProcessStartInfo(Binaries.Sup) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["run", "-f", manifest, "--state-dir", StateDir, "--listen", $"127.0.0.1:{Port}"]) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue("[stderr] " + e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var kubeconfig = Path.Combine(StateDir, "kubeconfig");
        try
        {
            await Poll.Until(() => _process.HasExited || (File.Exists(kubeconfig) && File.Exists(Path.Combine(StateDir, "sup.sock"))
                    && File.ReadAllText(kubeconfig).Contains("current-context", StringComparison.Ordinal)),
                "the daemon to write its kubeconfig and socket", 30);
        }
        catch (TimeoutException e)
        {
            await StopAsync();
            KillLeftovers();
            throw new InvalidOperationException($"{e.Message}; daemon output:\n{Output}", e);
        }
        if (_process.HasExited) throw new InvalidOperationException($"sup run exited with {_process.ExitCode} at start:\n{Output}");

        Token = (await File.ReadAllTextAsync(Path.Combine(StateDir, "token"))).Trim();
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        Client = new Kubernetes(config);
    }

    /// <summary>Remembers the pid of each container process (containerID sup://PID) of a pod we saw, so that
    /// disposing can assert it is gone.</summary>
    public IReadOnlyList<int> Record(V1Pod pod)
    {
        var pids = new List<int>();
        foreach (var s in pod.Status?.ContainerStatuses ?? [])
        {
            if (s.ContainerID is { } id && id.StartsWith("sup://", StringComparison.Ordinal) && int.TryParse(id["sup://".Length..], out var pid))
            {
                _containerPids[pid] = $"{pod.Metadata.Name}/{s.Name}";
                pids.Add(pid);
            }
        }
        return pids;
    }

    /// <summary>Polls the pod with the official client until it is Running with every container ready.</summary>
    public Task<V1Pod> WaitRunningAsync(string name, double seconds = 15) =>
        Poll.For(async () =>
        {
            var pod = await Client.CoreV1.ReadNamespacedPodAsync(name, Namespace);
            return pod.Status?.Phase == "Running" && pod.Status.ContainerStatuses is { Count: > 0 } cs && cs.All(c => c.Ready) ? pod : null;
        }, $"pod {name} Running and ready (daemon output:\n{Output})", seconds);

    /// <summary>Sends SIGTERM and waits up to 30 s for the daemon to exit (killing it after that); returns its exit
    /// code, or null when it had to be killed. Idempotent.</summary>
    public async Task<int?> StopAsync()
    {
        if (_process is null) return null;
        if (_stopped is not null) return await _stopped;
        _stopped = StopOnceAsync(_process);
        return await _stopped;

        async Task<int?> StopOnceAsync(Process process)
        {
            if (!process.HasExited) Native.kill(process.Id, Native.SIGTERM);
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                return null;
            }
            process.WaitForExit(); // drains the redirected output
            return process.ExitCode;
        }
    }

    private Task<int?>? _stopped;

    /// <summary>What is still running ~2 s after the daemon exited: a recorded container pid, or any process whose
    /// SUP_OWNER starts with this daemon's id.</summary>
    public async Task<IReadOnlyList<string>> LeftBehindAsync()
    {
        IReadOnlyList<string> left = [];
        for (var i = 0; i < 100; i++)
        {
            var owned = ProcessesOwnedBy(DaemonId + "/").Where(IsAlive).ToHashSet();
            left = [
                .. _containerPids.Where(p => IsAlive(p.Key)).Select(p => $"{p.Key} ({p.Value}{(owned.Contains(p.Key) ? $", SUP_OWNER={DaemonId}/..." : "")})"),
                .. owned.Where(p => !_containerPids.ContainsKey(p)).Select(p => $"{p} (SUP_OWNER={DaemonId}/...)"),
            ];
            if (left.Count == 0) return left;
            await Task.Delay(20);
        }
        return left;
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            Client?.Dispose();
            var problems = new List<string>();
            var alreadyAsserted = _stopped is not null; // a test stopped the daemon and asserted on it itself
            var code = await StopAsync();
            if (code is null) problems.Add("sup run did not stop within 30 s of SIGTERM (killed)");
            else if (code != 0) problems.Add($"sup run exited with {code} after SIGTERM, expected 0");
            var left = await LeftBehindAsync();
            if (left.Count > 0)
            {
                problems.Add("processes left behind after the daemon stopped: " + string.Join(", ", left));
                KillLeftovers();
            }
            if (problems.Count > 0 && !alreadyAsserted) throw new InvalidOperationException(string.Join("\n", problems) + $"\ndaemon output:\n{Output}");
        }
        finally
        {
            _process.Dispose();
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Only processes carrying this daemon's owner token: ours, started by the daemon we started.</summary>
    private void KillLeftovers()
    {
        foreach (var pid in ProcessesOwnedBy(DaemonId + "/"))
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(entireProcessTree: true); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
    }

    /// <summary>The process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && ReadState(pid) is not (null or 'Z' or 'X');

    private static char? ReadState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length ? stat[close + 2] : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Pids of live processes whose environment has SUP_OWNER starting with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<int> ProcessesOwnedBy(string prefix)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            byte[] environ;
            try { environ = File.ReadAllBytes(Path.Combine(dir, "environ")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            foreach (var entry in Encoding.UTF8.GetString(environ).Split('\0'))
            {
                if (entry.StartsWith("SUP_OWNER=" + prefix, StringComparison.Ordinal)) { found.Add(pid); break; }
            }
        }
        return found;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
