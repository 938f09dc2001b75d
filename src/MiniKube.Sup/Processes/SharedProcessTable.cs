namespace MiniKube.Sup.Processes;

/// <summary>
/// One /proc scan for everyone who needs one now. A caller gets a snapshot taken after it asked (so it sees
/// everything that happened before), and every caller that asks while a scan runs shares the next one: stopping
/// N pods costs one scan per round, not one per container per round (the scan is O(processes on the host), so one
/// per container made a stop quadratic).
/// </summary>
public sealed class SharedProcessTable(Func<ProcessTable> scan)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<ProcessTable>? _next;
    private bool _scanning;

    /// <summary>The table of this process (its scans skip the environment of watched main processes).</summary>
    public static SharedProcessTable Shared { get; } = new(() => ProcessTable.Live(ChildReaper.Shared.IsWatched));

    public Task<ProcessTable> GetAsync()
    {
        lock (_gate)
        {
            _next ??= new TaskCompletionSource<ProcessTable>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _next.Task;
            if (!_scanning)
            {
                _scanning = true;
                _ = Task.Run(ScanLoop);
            }
            return task;
        }
    }

    private void ScanLoop()
    {
        while (true)
        {
            TaskCompletionSource<ProcessTable> waiting;
            lock (_gate)
            {
                if (_next is null)
                {
                    _scanning = false;
                    return;
                }
                waiting = _next;
                _next = null; // who asks from now on waits for the next scan: this one may have begun before
            }
            try { waiting.TrySetResult(scan()); }
            catch (Exception e) { waiting.TrySetException(e); }
        }
    }
}
