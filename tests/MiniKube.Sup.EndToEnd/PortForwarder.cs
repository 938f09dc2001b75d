using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>A running `kubectl port-forward` (or `sup port-forward`): its output lines as they come, the local ports
/// it listens on, and its end. Disposing kills it and waits for it.</summary>
internal sealed partial class PortForwarder : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private PortForwarder(Process process) => _process = process;

    public IEnumerable<string> Lines => _lines;
    public string Output => string.Join('\n', _lines);
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static PortForwarder Start(string file, IEnumerable<string> args, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env) info.Environment[k] = v;
        var process = new Process { StartInfo = info };
        var forwarder = new PortForwarder(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) forwarder._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) forwarder._lines.Enqueue(e.Data); };
        DotnetChildren.Start(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return forwarder;
    }

    /// <summary>Waits for "Forwarding from 127.0.0.1:LOCAL -> REMOTE" for each remote port, and returns the local ones.</summary>
    public async Task<int[]> ForwardingAsync(params int[] remotes)
    {
        await Poll.Until(() => _process.HasExited || remotes.All(r => Local(r) is not null), "Forwarding from ... for every port", 30);
        Assert.False(_process.HasExited, "the port-forward ended:\n" + Output);
        return remotes.Select(r => Local(r)!.Value).ToArray();
    }

    private int? Local(int remote) => _lines.Select(l => Forwarding().Match(l)).FirstOrDefault(m => m.Success && m.Groups[2].Value == remote.ToString())
        is { } m ? int.Parse(m.Groups[1].Value) : null;

    public async Task<int> WaitForExitAsync(double seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")]
    private static partial Regex Forwarding();
}
