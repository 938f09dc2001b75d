using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's hosts file, kept current while the pod runs as the Services and the pods under a
/// headless Service come and go (k8s: cluster DNS answers with what is there now): an isolated host pod's own
/// (<see cref="ManagedHostsFile"/>, written at each container start), an image pod's the one its engine keeps for its
/// sandbox (<see cref="EngineHostsFile"/>: the engine's lines kept, ours replaced).</summary>
public sealed partial class PodWorker
{
    private ManagedHostsFile? _hostsFile;
    private ManagedHostsFile? _engineHostsFile;
    private IReadOnlyList<HostEntry> _sandboxServiceEntries = [];
    private int _hostsRefreshQueued;

    /// <summary>Whether the pod has a hosts file to keep current.</summary>
    public bool KeepsHostsFile => _runsImages || HostContainerIsolation.Wanted(_pod);

    /// <summary>The names the pod's hosts file should hold may have changed: it is written again on the worker's
    /// loop, if the file is there (a container of the pod started, or its sandbox is made) and its text changes.
    /// Calls that come while one is queued are one.</summary>
    public void RefreshHosts()
    {
        if (!KeepsHostsFile || Interlocked.Exchange(ref _hostsRefreshQueued, 1) == 1) return;
        if (!_events.Writer.TryWrite(new PodEvent.HostsChanged())) Volatile.Write(ref _hostsRefreshQueued, 0);
    }

    private void OnHostsChanged()
    {
        Volatile.Write(ref _hostsRefreshQueued, 0);
        try
        {
            if (_runsImages)
            {
                if (_engineHostsFile?.Read() is { } engineText)
                    _engineHostsFile.Write(EngineHostsFile.Merge(engineText, _sandboxServiceEntries, _context.HostEntries(Namespace)));
                return;
            }
            var file = HostsFile();
            // Made by a container start, or by the daemon that ran the pod before this one: until then, nothing to keep.
            if (file.Read() is not null) WriteHosts(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogHostsFileFailed(_context.Logger, e, Name);
        }
    }

    /// <summary>Once an image pod's sandbox is there: where its engine keeps its hosts file, looked up off the loop;
    /// the file is brought up to date as soon as it is known.</summary>
    private void FindEngineHostsFile(PodSandbox sandbox)
    {
        if (!_runsImages || sandbox.Id is null) return;
        _ = Runtime.HostsFileAsync(sandbox, CancellationToken.None).ContinueWith(
            t => _events.Writer.TryWrite(new PodEvent.EngineHostsFileFound(t.IsCompletedSuccessfully ? t.Result : null)), TaskScheduler.Default);
    }

    private void OnEngineHostsFileFound(string? path)
    {
        if (path is null) return;
        _engineHostsFile = new ManagedHostsFile(path);
        OnHostsChanged();
    }

    /// <summary>The pod's /etc/hosts for its isolated containers, written at each container start.</summary>
    private string WriteHostsFile()
    {
        var file = HostsFile();
        WriteHosts(file);
        return file.Path;
    }

    private ManagedHostsFile HostsFile() => _hostsFile ??= new ManagedHostsFile(Path.Combine(_context.Paths.PodDirectory(DiskName), "hosts"));

    private void WriteHosts(ManagedHostsFile file)
    {
        string host;
        try { host = File.ReadAllText("/etc/hosts"); }
        catch (IOException) { host = "127.0.0.1\tlocalhost\n"; }
        file.Write(HostContainerIsolation.HostsFile(host, _pod, _context.HostPodEntries(Namespace)));
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "pod {Pod}: its hosts file could not be brought up to date")]
    private static partial void LogHostsFileFailed(Microsoft.Extensions.Logging.ILogger logger, Exception e, string pod);
}
