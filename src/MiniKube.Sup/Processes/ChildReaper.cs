using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>
/// Owns waitpid for the whole process. The daemon is a child subreaper, so besides the container processes it
/// spawns (watched by pid) it inherits every orphaned descendant, and those must be reaped too or they stay
/// zombies, however many arrive at once: every zombie that is due is reaped in each pass.
/// <para>.NET's <see cref="System.Diagnostics.Process"/> (CliWrap) reaps only the children it started itself, by
/// pid, within microseconds of their SIGCHLD, and loses their exit code if we reap them first. Such a child is in
/// the daemon's own session (.NET does not setsid), while everything a container starts is in the container's
/// session or one of its own (containers are spawned with setsid, and setsid can never join an existing session):
/// a zombie from another session is reaped at once; one from our session is given <see cref="OrphanGrace"/>
/// first (<see cref="ZombieGrace"/>). A child .NET started that left our session must be marked
/// (<see cref="StartDotnetChild{T}"/>): nothing else tells it from an orphan. waitid(WNOWAIT) shows only the first zombie, so while one of ours waits out
/// its grace the zombies behind it are found through the children lists of our threads.</para>
/// </summary>
public sealed unsafe class ChildReaper
{
    /// <summary>Long enough that .NET has certainly reaped a child of its own (it does within microseconds of the
    /// SIGCHLD, unless its signal thread is starved: 100 ms was not enough on a loaded 2-core machine, and reaping
    /// one of .NET's children makes .NET kill the process: "Error while reaping child. errno = 10"). An orphan in our
    /// own session is rare (a program we run with CliWrap that double-forks without setsid), so it can wait.</summary>
    internal static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SafetyNetInterval = TimeSpan.FromSeconds(5);

    public static ChildReaper Shared { get; } = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<ExitStatus>> _watched = new();
    private readonly HashSet<int> _dotnetChildren = new();
    private readonly ZombieGrace _sameSession = new(OrphanGrace);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly int _session = Native.getsid(0);
    private PosixSignalRegistration? _sigchld;
    private Thread? _thread;

    private ChildReaper() { }

    /// <summary>True when prctl(PR_SET_CHILD_SUBREAPER) succeeded: daemonizing grandchildren come back to us.</summary>
    public bool IsSubreaper { get; private set; }

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

    /// <summary>Runs <paramref name="start"/> (a <see cref="System.Diagnostics.Process"/> start, such as CliWrap's
    /// ExecuteAsync) under the reaper's lock and marks the child it started as .NET's: the reaper never takes it,
    /// even when it leaves our session (`setsid` run without a fork calls setsid(2) in the child .NET waits for).
    /// Dispose the mark once .NET has waited for the child.</summary>
    public DotnetChild StartDotnetChild<T>(Func<T> start, Func<T, int> pidOf, out T started)
    {
        lock (_gate)
        {
            started = start();
            var pid = pidOf(started);
            _dotnetChildren.Add(pid);
            return new DotnetChild(this, pid);
        }
    }

    private void Forget(int pid)
    {
        lock (_gate) _dotnetChildren.Remove(pid);
    }

    /// <summary>The mark of a child .NET waits for itself; disposing it lets the reaper take that pid again.</summary>
    public sealed class DotnetChild(ChildReaper reaper, int pid) : IDisposable
    {
        public int Pid => pid;

        public void Dispose() => reaper.Forget(pid);
    }

    /// <summary>True for a container main process we spawned and that is still running.</summary>
    public bool IsWatched(int pid)
    {
        lock (_gate) return _watched.ContainsKey(pid);
    }

    /// <summary>At shutdown, once every container is down: reaps every zombie child left that is ours to reap,
    /// without waiting out any grace, so that no zombie of a container is handed to init. A zombie of our own session
    /// that we did not spawn is left alone: it may be .NET's, and .NET ends the process if it finds its child reaped.</summary>
    public int ReapAllZombies()
    {
        var completions = new List<(TaskCompletionSource<ExitStatus>, ExitStatus)>();
        var orphans = new List<int>();
        lock (_gate)
        {
            foreach (var child in ProcFs.OwnChildren())
                if (IsZombie(child)) Reap(child, completions, orphans);
        }
        foreach (var (tcs, status) in completions) tcs.TrySetResult(status);
        return completions.Count + orphans.Count;
    }

    /// <summary>At shutdown: reaps the zombie children named <paramref name="commands"/> that are neither watched nor
    /// .NET's. Programs of our own session that .NET never starts (an engine's helpers that its commands leave to us:
    /// rootless podman's slirp4netns and rootlessport) are otherwise given <see cref="OrphanGrace"/>, which a stopping
    /// daemon does not wait out, and would be handed to init.</summary>
    public int ReapZombiesNamed(IReadOnlySet<string> commands)
    {
        var reaped = 0;
        lock (_gate)
        {
            foreach (var child in ProcFs.OwnChildren())
            {
                if (_watched.ContainsKey(child) || _dotnetChildren.Contains(child)) continue;
                if (ProcFs.TryRead(child, out var p) && p.IsZombie && commands.Contains(p.Comm) && Native.waitpid(child, out _, Native.WNOHANG) == child) reaped++;
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
            while (_wake.Wait(0)) { } // this pass answers every SIGCHLD so far
            if (Drain() is { } next) _wake.Wait(next); // a zombie that may be .NET's: give .NET time to reap it
        }
    }

    /// <returns>when a zombie that might be .NET's waits out its grace: how long until the next re-check</returns>
    private TimeSpan? Drain()
    {
        var completions = new List<(TaskCompletionSource<ExitStatus>, ExitStatus)>();
        var orphans = new List<int>();
        TimeSpan? next = null;
        lock (_gate)
        {
            var blocked = false;
            var last = 0;
            while (PeekZombie() is { } pid)
            {
                // The same zombie twice: it could not be reaped (or is not ours to reap yet).
                if (pid == last || !Reap(pid, completions, orphans))
                {
                    blocked = true;
                    break;
                }
                last = pid;
            }
            if (blocked)
            {
                // A zombie of our session hides the ones behind it from the peek: look at every child instead.
                var mightBeDotnets = new List<int>();
                foreach (var child in ProcFs.OwnChildren())
                {
                    if (IsZombie(child) && !Reap(child, completions, orphans)) mightBeDotnets.Add(child);
                }
                var (due, nextIn) = _sameSession.Observe(mightBeDotnets, Environment.TickCount64);
                foreach (var pid in due)
                {
                    if (!_dotnetChildren.Contains(pid) && Native.waitpid(pid, out _, Native.WNOHANG) == pid) orphans.Add(pid);
                }
                // Nothing waits and nothing could be reaped: do not spin on a zombie that cannot be reaped.
                next = nextIn ?? (completions.Count + orphans.Count == 0 ? RecheckInterval : null);
            }
            else
            {
                _sameSession.Clear();
            }
        }
        foreach (var (tcs, status) in completions) tcs.TrySetResult(status);
        return next;
    }

    /// <summary>Reaps zombie child <paramref name="pid"/> when it is ours to reap now: a watched process (its exit
    /// status completes its task), or an orphan from another session.</summary>
    /// <returns>false for a zombie of our own session that is not watched: it might be .NET's</returns>
    private bool Reap(int pid, List<(TaskCompletionSource<ExitStatus>, ExitStatus)> completions, List<int> orphans)
    {
        if (_watched.Remove(pid, out var tcs))
        {
            if (Native.waitpid(pid, out var status, Native.WNOHANG) == pid) completions.Add((tcs, Native.DecodeWaitStatus(status)));
            return true;
        }
        if (_dotnetChildren.Contains(pid)) return false;
        if (!ProcFs.TryRead(pid, out var p) || p.Sid == _session) return false; // unreadable: be careful
        if (Native.waitpid(pid, out _, Native.WNOHANG) == pid) orphans.Add(pid);
        return true;
    }

    /// <summary>The pid of a zombie child, without reaping it, or null when there is none.</summary>
    private static int? PeekZombie()
    {
        var info = stackalloc byte[Native.SigInfoSize];
        new Span<byte>(info, Native.SigInfoSize).Clear();
        if (Native.waitid(Native.P_ALL, 0, info, Native.WEXITED | Native.WNOHANG | Native.WNOWAIT) != 0) return null;
        var pid = *(int*)(info + 16); // siginfo_t.si_pid
        return pid == 0 ? null : pid;
    }

    private static bool IsZombie(int pid)
    {
        var info = stackalloc byte[Native.SigInfoSize];
        new Span<byte>(info, Native.SigInfoSize).Clear();
        return Native.waitid(Native.P_PID, pid, info, Native.WEXITED | Native.WNOHANG | Native.WNOWAIT) == 0 && *(int*)(info + 16) == pid;
    }
}
