namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's hosts file: an isolated host pod's /etc/hosts (<see cref="ManagedHostsFile"/>), written
/// at each container start and kept current while the pod runs, as the Services and the pods under a headless
/// Service come and go (k8s: cluster DNS answers with what is there now).</summary>
public sealed partial class PodWorker
{
    private ManagedHostsFile? _hostsFile;
    private int _hostsRefreshQueued;

    /// <summary>Whether the pod has a hosts file of its own to keep current.</summary>
    public bool KeepsHostsFile => !_runsImages && HostContainerIsolation.Wanted(_pod);

    /// <summary>The names the pod's hosts file should hold may have changed: it is written again on the worker's
    /// loop, if the file is there (a container of the pod started) and its text changes. Calls that come while one
    /// is queued are one.</summary>
    public void RefreshHosts()
    {
        if (!KeepsHostsFile || Interlocked.Exchange(ref _hostsRefreshQueued, 1) == 1) return;
        if (!_events.Writer.TryWrite(new PodEvent.HostsChanged())) Volatile.Write(ref _hostsRefreshQueued, 0);
    }

    private void OnHostsChanged()
    {
        Volatile.Write(ref _hostsRefreshQueued, 0);
        var file = HostsFile();
        // Made by a container start, or by the daemon that ran the pod before this one: until then, nothing to keep.
        if (file.Read() is not null) WriteHosts(file);
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
}
