namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Whether the daemons of a state dir may have left anything in the container engine: a file written (and synced)
/// before a daemon makes its first sandbox or container there, removed once a stop's sweep has left nothing. A start
/// with no mark and no stored pod that runs in the engine has nothing of its own there to claim or sweep, so a daemon
/// of host pods starts and stops without listing the engine (two podman commands each way, ~0.3 s of CPU here).
/// A SIGKILL at any point leaves the mark if anything was made; so does a sweep that failed.
/// </summary>
public sealed class EngineUseMark(string path)
{
    private readonly Lock _gate = new();
    private volatile bool _written;

    public bool IsSet => _written || File.Exists(path);

    /// <summary>Before anything is made in the engine; once per daemon life.</summary>
    /// <exception cref="IOException">the mark cannot be written: nothing is to be made (a crash could leave it unswept)</exception>
    public void Set()
    {
        if (_written) return;
        lock (_gate)
        {
            if (_written) return;
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
                file.Flush(flushToDisk: true);
            _written = true;
        }
    }

    /// <summary>After a stop's sweep found the engine empty of this daemon's pods and containers.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            File.Delete(path);
            _written = false;
        }
    }
}
