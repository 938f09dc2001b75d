using System.Runtime.InteropServices;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// Owns waitpid for the whole process. The daemon is a child subreaper, so besides the container processes it
/// spawns (watched by pid) it inherits every orphaned descendant, and those must be reaped too or they stay
/// zombies. .NET's <see cref="System.Diagnostics.Process"/> reaps only the children it started itself (CliWrap
/// commands), within microseconds of their SIGCHLD; so a zombie we do not watch is reaped only once it has
/// stayed a zombie for <see cref="OrphanGrace"/>: an orphan, never a child whose exit status .NET is waiting for.
/// </summary>
public sealed unsafe class ChildReaper
{
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SafetyNetInterval = TimeSpan.FromSeconds(5);

    public static ChildReaper Shared { get; } = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<ExitStatus>> _watched = new();
    private readonly Dictionary<int, long> _unknownZombieSince = new();
    private readonly SemaphoreSlim _wake = new(0);
    private PosixSignalRegistration? _sigchld;
    private Thread? _thread;

    private ChildReaper() { }

    /// <summary>True when prctl(PR_SET_CHILD_SUBREAPER) succeeded: daemonizing grandchildren come back to us.</summary>
    public bool IsSubreaper { get; private set; }

    /// <summary>Raised (on the reaper thread) for every orphan reaped; the argument is its pid.</summary>
    public event Action<int>? OrphanReaped;

    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_thread is not null) return;
            IsSubreaper = Native.prctl(Native.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
            _sigchld = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Wake());
            _thread = new Thread(Loop) { IsBackground = true, Name = "sup-reaper" };
            _thread.Start();
        }
    }

    /// <summary>Runs <paramref name="spawn"/> (which returns a pid) under the reaper's lock and watches that pid,
    /// so its exit cannot be seen before it is known.</summary>
    public (int Pid, Task<ExitStatus> Exited) SpawnWatched(Func<int> spawn)
    {
        EnsureStarted();
        var tcs = new TaskCompletionSource<ExitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        int pid;
        lock (_gate)
        {
            pid = spawn();
            _watched[pid] = tcs;
        }
        Wake();
        return (pid, tcs.Task);
    }

    public void Wake() => _wake.Release();

    /// <summary>True for a container main process we spawned and that is still running.</summary>
    public bool IsWatched(int pid)
    {
        lock (_gate) return _watched.ContainsKey(pid);
    }

    /// <summary>At shutdown, once every container is down: reaps every zombie child left, without the grace
    /// given to a zombie that might be .NET's, so that no zombie of ours is handed to init.</summary>
    public int ReapAllZombies()
    {
        var reaped = 0;
        lock (_gate)
        {
            while (true)
            {
                var pid = Native.waitpid(-1, out var status, Native.WNOHANG);
                if (pid <= 0) break;
                reaped++;
                if (_watched.Remove(pid, out var tcs)) tcs.TrySetResult(Native.DecodeWaitStatus(status));
            }
        }
        return reaped;
    }

    private void Loop()
    {
        var info = stackalloc byte[Native.SigInfoSize];
        while (true)
        {
            // Block until some child is a zombie, without reaping it (WNOWAIT): its pid says whose it is. No
            // signal hop sits between a container's death and its restart.
            new Span<byte>(info, Native.SigInfoSize).Clear();
            if (Native.waitid(Native.P_ALL, 0, info, Native.WEXITED | Native.WNOWAIT) != 0)
            {
                if (Marshal.GetLastPInvokeError() == Native.ECHILD) _wake.Wait(SafetyNetInterval); // no children: wait for a spawn
                continue;
            }
            if (Drain()) _wake.Wait(OrphanGrace); // a zombie that may be .NET's: give .NET time to reap it
        }
    }

    /// <returns>true when an unknown zombie is waiting out its grace and a re-check is due.</returns>
    private bool Drain()
    {
        var completions = new List<(TaskCompletionSource<ExitStatus>, ExitStatus)>();
        var orphans = new List<int>();
        var blocked = false;
        lock (_gate)
        {
            var info = stackalloc byte[Native.SigInfoSize];
            while (true)
            {
                new Span<byte>(info, Native.SigInfoSize).Clear();
                // Peek (WNOHANG) at one zombie child without reaping it.
                if (Native.waitid(Native.P_ALL, 0, info, Native.WEXITED | Native.WNOHANG | Native.WNOWAIT) != 0) break;
                var pid = *(int*)(info + 16); // siginfo_t.si_pid
                if (pid == 0) break;
                if (_watched.Remove(pid, out var tcs))
                {
                    if (Native.waitpid(pid, out var status, Native.WNOHANG) == pid)
                        completions.Add((tcs, Native.DecodeWaitStatus(status)));
                    continue;
                }
                var now = Environment.TickCount64;
                if (_unknownZombieSince.TryGetValue(pid, out var since) && now - since >= OrphanGrace.TotalMilliseconds)
                {
                    _unknownZombieSince.Remove(pid);
                    Native.waitpid(pid, out _, Native.WNOHANG);
                    orphans.Add(pid);
                    continue;
                }
                _unknownZombieSince.TryAdd(pid, now);
                blocked = true;
                break;
            }
            if (blocked)
            {
                // A fresh unknown zombie hides the ones behind it from the peek: ask for ours by pid.
                foreach (var pid in _watched.Keys.ToArray())
                {
                    if (Native.waitpid(pid, out var status, Native.WNOHANG) == pid && _watched.Remove(pid, out var tcs))
                        completions.Add((tcs, Native.DecodeWaitStatus(status)));
                }
            }
            else
            {
                _unknownZombieSince.Clear();
            }
        }
        foreach (var (tcs, status) in completions) tcs.TrySetResult(status);
        foreach (var pid in orphans) OrphanReaped?.Invoke(pid);
        return blocked;
    }
}
