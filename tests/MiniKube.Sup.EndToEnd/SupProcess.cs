using System.Collections.Concurrent;
using System.Diagnostics;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The real `sup` executable run as a child process, its output captured line by line.</summary>
internal sealed class SupProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int _keepLines;

    private SupProcess(Process process, int keepLines)
    {
        _process = process;
        _keepLines = keepLines;
    }

    public ConcurrentQueue<string> Lines { get; } = new();
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output => string.Join("\n", Lines);

    public static SupProcess Start(params string[] args) => StartProgram(Binaries.Sup, int.MaxValue, args);

    /// <param name="keepLines">how many of the latest output lines <see cref="Lines"/> keeps (a container that
    /// floods the daemon's console would otherwise fill this process's memory)</param>
    public static SupProcess Start(int keepLines, params string[] args) => StartProgram(Binaries.Sup, keepLines, args);

    /// <summary>Any program (e.g. sup through setpriv, as another user), its output captured the same way.</summary>
    public static SupProcess StartProgram(string file, params string[] args) => StartProgram(file, int.MaxValue, args);

    /// <summary>Starts sup through <paramref name="launcher"/> (e.g. <c>prlimit --nofile=512:512 --</c>: a program
    /// that sets something up and execs sup in its place, so the pid is sup's).</summary>
    public static SupProcess StartThrough(string[] launcher, int keepLines, params string[] args) => StartThrough(Binaries.Sup, launcher, keepLines, args);

    /// <summary>As <see cref="StartThrough(string[], int, string[])"/>, with another sup executable than the tests'
    /// build (e.g. the published NativeAOT one).</summary>
    public static SupProcess StartThrough(string sup, string[] launcher, int keepLines, params string[] args) => launcher.Length == 0
        ? StartProgram(sup, keepLines, args)
        : StartProgram(launcher[0], keepLines, [.. launcher.Skip(1), sup, .. args]);

    /// <summary>sup with these environment variables set (a null value removes one, NO_COLOR included).</summary>
    public static SupProcess StartWith(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartProgram(Binaries.Sup, int.MaxValue, args, environment);

    private static SupProcess StartProgram(string file, int keepLines, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        var sup = new SupProcess(process, keepLines);
        process.OutputDataReceived += (_, e) => sup.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => sup.Keep(e.Data);
        DotnetChildren.Start(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sup;
    }

    /// <summary>Runs sup to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(params string[] args)
    {
        await using var sup = Start(args);
        var code = await sup.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, sup.Output);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        Lines.Enqueue(line);
        while (Lines.Count > _keepLines) Lines.TryDequeue(out _);
    }

    /// <exception cref="TimeoutException">no such line came; the message holds the output as it was then</exception>
    public async Task WaitForLineAsync(string fragment, double seconds = 30)
    {
        try { await Poll.Until(() => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal)), $"a line with \"{fragment}\"", seconds); }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message} in:\n{Output}", e); }
    }

    public void Signal(int signal) => Native.kill(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The whole tree: a program that started sup (unshare, setpriv without exec) may die first, and sup
            // would hold the output pipes open, so waiting for the output's end would wait forever.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
