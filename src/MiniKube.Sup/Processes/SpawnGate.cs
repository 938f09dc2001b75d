using System.ComponentModel;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>
/// Holds a child that posix_spawn created before it execs, so that what must already be true when its program
/// starts is done to it first: it joins its container's cgroup (nothing it forks can then start outside) and gets
/// back the descriptor limit the daemon inherited (see <see cref="DescriptorLimit"/>).
/// <para>How: once its stdin, stdout and stderr are in place and every other descriptor closed, the child opens a
/// FIFO for reading (<see cref="ProcessSpawner.SpawnNow"/>), which blocks until a writer opens it. posix_spawn runs on a spawner thread of ours, so the child is that thread's child, the one pid in
/// /proc/self/task/TID/children that was not there before (only a thread's own forks join its list: orphans go
/// to the main thread); we act on it while it waits, then open the FIFO, and it goes on to exec. The spawner
/// thread is replaced every <see cref="RecycleAfter"/> spawns, so that its list stays short (its children then
/// belong to the main thread); a thread is not made per spawn because .NET cannot start one when the process is
/// out of descriptors, and a spawn must then fail with its errno, not with an OutOfMemoryException.</para>
/// <para>A daemon that dies (SIGKILL) while a child waits leaves it waiting for a writer that never comes (holding
/// nothing of the daemon's, but a process all the same). So the FIFO is named for its daemon (pid and start time), the child
/// goes on only if the FIFO also has its Go name, which the daemon gives it (a hard link) just before it releases
/// it, and the next daemon releases every FIFO of a daemon that is gone (<see cref="ReleaseAbandoned()"/>) once no
/// Go name is left: the child's next open fails and it ends (127) without running its program.</para>
/// <para>Why not the others. clone3(CLONE_INTO_CGROUP) needs code between fork and exec, which managed code cannot
/// be (a GC, the JIT or a lock held by a thread that does not exist in the child would hang it), and posix_spawn
/// has no cgroup attribute in glibc before 2.41. Moving the child after posix_spawn returns races with whatever it
/// forks first, and so does prlimit: a program may read its limit as it starts. Moving the daemon itself into the
/// cgroup around the spawn would put there whatever another thread forks meanwhile (.NET's Process, CliWrap).
/// A shell wrapper would change argv[0] and how exec errors are reported. Lowering the daemon's own limit around
/// the spawn would lower it for all of its threads (rlimits are per process).</para>
/// </summary>
internal sealed unsafe class SpawnGate
{
    private const int RecycleAfter = 32;
    private static readonly TimeSpan FindTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lazy<(SpawnGate? Gate, string? Problem)> Instance = new(Create);

    private const string NamePrefix = "sup-spawn-";

    private readonly string _directory;
    private readonly string _owner;
    private readonly Lock _lock = new();
    private long _counter;
    private Spawner? _spawner;

    /// <param name="directory">where the FIFOs are made</param>
    /// <param name="owner">the process whose gate this is, by pid and start time (/proc/PID/stat's starttime): its
    /// FIFOs are released by another once it is gone</param>
    internal SpawnGate(string directory, (int Pid, ulong StartTicks) owner)
    {
        _directory = directory;
        _owner = string.Create(CultureInfo.InvariantCulture, $"{owner.Pid}-{owner.StartTicks}");
    }

    /// <summary>Where a held child waits (a FIFO), and the name the daemon gives it to let the child go on.</summary>
    internal readonly record struct Paths(string Wait, string Go);

    /// <summary>The gate of this process, or null when this system has no way to find the waiting child
    /// (<see cref="Problem"/> says why).</summary>
    public static SpawnGate? Shared => Instance.Value.Gate;

    public static string? Problem => Instance.Value.Problem;

    /// <summary>Spawns a child and runs <paramref name="prepare"/> on it before it execs.</summary>
    /// <param name="spawn">calls posix_spawn with these paths for the child to wait on (<see cref="ProcessSpawner.SpawnNow"/>)</param>
    /// <param name="prepare">acts on the waiting child; what it throws fails the spawn (the child is killed)</param>
    internal int Spawn(Func<Paths, int> spawn, Action<int> prepare)
    {
        lock (_lock)
        {
            var spawner = _spawner ??= Spawner.Start();
            var gate = NewGate();
            try
            {
                // Without the list before, an older child could be taken for the new one.
                if (!spawner.ReadChildren(spawner.Before))
                    throw new Win32Exception(spawner.ReadErrno, "cannot read /proc/self/task/TID/children: " + Errno.Describe(spawner.ReadErrno));
                spawner.Begin(() => spawn(gate));
                var child = spawner.WaitForNewChild(spawner.Before, FindTimeout);
                ExceptionDispatchInfo? failure = null;
                if (child > 0)
                {
                    try { prepare(child); }
                    catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
                }
                var release = Release(gate);
                if (release < 0 && child > 0) Native.kill(child, Native.SIGKILL); // it would wait forever
                var (pid, error) = spawner.End();
                if (release >= 0) Native.close(release);
                if (++spawner.Spawned >= RecycleAfter)
                {
                    spawner.Retire();
                    _spawner = null;
                }
                error?.Throw();
                if (child != pid || failure is not null || release < 0)
                {
                    Native.kill(pid, Native.SIGKILL); // it ran without what it needed: it must not stay
                    failure?.Throw();
                    throw new Win32Exception(Native.EAGAIN, child != pid
                        ? "the new process could not be found before it started (/proc/self/task/TID/children)"
                        : "the new process could not be released: " + Errno.DescribeLast());
                }
                return pid;
            }
            finally
            {
                Unlink(gate.Wait);
                Unlink(gate.Go);
            }
        }
    }

    /// <summary>sup-spawn-PID-STARTTICKS-N, and its Go name with a random part no one else can make first.</summary>
    private Paths NewGate()
    {
        while (true)
        {
            var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture,
                $"{NamePrefix}{_owner}-{Interlocked.Increment(ref _counter)}"));
            fixed (byte* p = Utf8(path))
            {
                if (Native.mkfifo(p, 0x180 /* 0600 */) == 0) return new Paths(path, path + "-" + Native.RandomHex(8));
            }
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno != Native.EEXIST) throw new Win32Exception(errno, $"cannot create {path}: {Errno.Describe(errno)}");
        }
    }

    /// <summary>Gives the FIFO its Go name too, then opens it: O_RDWR never blocks on a FIFO (Linux), and it is the
    /// writer the waiting child's open needs. (Not a rename: the child may not have opened the Wait name yet.)</summary>
    /// <returns>the descriptor to close once the child has gone on, or -1</returns>
    private static int Release(Paths gate)
    {
        fixed (byte* wait = Utf8(gate.Wait))
        fixed (byte* go = Utf8(gate.Go))
        {
            if (Native.link(wait, go) != 0) return -1;
            return Native.open(wait, Native.O_RDWR | Native.O_CLOEXEC | Native.O_NONBLOCK, 0);
        }
    }

    /// <summary>At a daemon's start: lets go every child a gone daemon left waiting at its gate in the temp directory,
    /// into failure (see the class summary).</summary>
    /// <returns>how many FIFOs were released</returns>
    public static int ReleaseAbandoned() => ReleaseAbandoned(Path.GetTempPath());

    /// <inheritdoc cref="ReleaseAbandoned()"/>
    internal static int ReleaseAbandoned(string directory)
    {
        List<(string Path, bool IsGo)> abandoned = [];
        try
        {
            foreach (var path in Directory.EnumerateFiles(directory, NamePrefix + "*"))
            {
                // sup-spawn-PID-STARTTICKS-N, with -RANDOM after it for a Go name: the owner is gone if no process has
                // that pid with that start.
                var parts = Path.GetFileName(path)[NamePrefix.Length..].Split('-');
                if (parts.Length is not (3 or 4) || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)) continue;
                if (ProcFs.TryRead(pid, out var owner) && owner.StartTicks == start && !owner.IsZombie) continue;
                abandoned.Add((path, parts.Length == 4));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        // The Go names first: a child released while its Go name is there would go on and run.
        foreach (var (path, _) in abandoned.Where(a => a.IsGo)) Unlink(path);
        var released = 0;
        foreach (var (path, _) in abandoned.Where(a => !a.IsGo))
        {
            // Under a name no child opens (one that has not opened the Wait name yet then fails to), then opened: a
            // child waiting on it goes on, and its open of the Go name fails. A FIFO this user may not rename or open
            // is another user's daemon's, and is left alone; a symbolic link of that name is not followed (a root
            // daemon must not open, for anyone who can write to the temp directory, whatever a link names).
            var aside = Path.Combine(directory, $"{NamePrefix}released-{Native.RandomHex(8)}");
            fixed (byte* from = Utf8(path))
            fixed (byte* to = Utf8(aside))
            {
                if (Native.rename(from, to) != 0) continue;
                var writer = Native.open(to, Native.O_RDWR | Native.O_CLOEXEC | Native.O_NONBLOCK | Native.O_NOFOLLOW, 0);
                if (writer >= 0)
                {
                    released++;
                    Native.close(writer);
                }
                Native.unlink(to);
            }
        }
        return released;
    }

    private static void Unlink(string path)
    {
        fixed (byte* p = Utf8(path)) Native.unlink(p);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private static (SpawnGate?, string?) Create()
    {
        if (!File.Exists($"/proc/self/task/{Native.gettid()}/children"))
            return (null, "this kernel has no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)");
        var gate = new SpawnGate(Path.GetTempPath(), (Environment.ProcessId,
            ProcFs.TryRead(Environment.ProcessId, out var self) ? self.StartTicks : 0));
        try
        {
            Unlink(gate.NewGate().Wait);
        }
        catch (Win32Exception e)
        {
            return (null, e.Message);
        }
        return (gate, null);
    }

    /// <summary>The thread posix_spawn runs on, one spawn at a time.</summary>
    private sealed class Spawner
    {
        private readonly SemaphoreSlim _begin = new(0);
        private readonly SemaphoreSlim _end = new(0);
        private Func<int>? _job;
        private int _pid;
        private ExceptionDispatchInfo? _error;
        private volatile bool _done;
        private int _tid;
        private byte[] _childrenPath = [];
        private readonly byte[] _buffer = new byte[4096];
        private readonly HashSet<int> _now = [];

        private Spawner() { }

        /// <summary>The thread's children before the spawn under way (reused: one spawn at a time).</summary>
        public HashSet<int> Before { get; } = [];

        public int Spawned { get; set; }

        /// <summary>Why the last <see cref="ReadChildren"/> that failed did.</summary>
        public int ReadErrno { get; private set; }

        /// <exception cref="Win32Exception">no thread can be started (.NET needs a descriptor for one)</exception>
        public static Spawner Start()
        {
            var spawner = new Spawner();
            try
            {
                new Thread(spawner.Run, 256 * 1024) { IsBackground = true, Name = "sup-spawn" }.Start();
            }
            catch (OutOfMemoryException)
            {
                throw new Win32Exception(Native.EAGAIN, "cannot start the spawner thread (the daemon may be out of descriptors or memory)");
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref spawner._tid) == 0) spin.SpinOnce();
            return spawner;
        }

        public void Begin(Func<int> job)
        {
            _job = job;
            _done = false;
            _error = null;
            _begin.Release();
        }

        public (int Pid, ExceptionDispatchInfo? Error) End()
        {
            _end.Wait();
            return (_pid, _error);
        }

        /// <summary>Ends the thread: its children are handed to the main thread.</summary>
        public void Retire()
        {
            _job = null;
            _begin.Release();
        }

        /// <summary>The thread's children now (zombies included), into <paramref name="into"/>.</summary>
        /// <remarks>Read with one reused buffer, no allocation: it is read in a spin for every spawn.</remarks>
        /// <returns>false when the list could not be read whole (<see cref="ReadErrno"/> says why)</returns>
        public bool ReadChildren(HashSet<int> into)
        {
            into.Clear();
            fixed (byte* path = _childrenPath)
            fixed (byte* buffer = _buffer)
            {
                var fd = Native.open(path, Native.O_RDONLY | Native.O_CLOEXEC, 0);
                if (fd < 0)
                {
                    ReadErrno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    return false;
                }
                var pid = 0;
                var digits = false;
                try
                {
                    while (true)
                    {
                        var read = Native.read(fd, buffer, _buffer.Length);
                        if (read < 0)
                        {
                            ReadErrno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                            if (ReadErrno == Native.EINTR) continue;
                            return false;
                        }
                        if (read == 0) break;
                        for (var i = 0; i < read; i++)
                        {
                            var b = buffer[i];
                            if (b is >= (byte)'0' and <= (byte)'9')
                            {
                                pid = pid * 10 + (b - '0');
                                digits = true;
                            }
                            else if (digits)
                            {
                                into.Add(pid);
                                pid = 0;
                                digits = false;
                            }
                        }
                    }
                    if (digits) into.Add(pid);
                    return true;
                }
                finally
                {
                    Native.close(fd);
                }
            }
        }

        /// <returns>the child the running job created, or 0 if posix_spawn failed before creating it or the
        /// timeout passed</returns>
        public int WaitForNewChild(HashSet<int> before, TimeSpan timeout)
        {
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            var spin = new SpinWait();
            while (Environment.TickCount64 < deadline)
            {
                var done = _done; // read before the list: a child made before the job ended is in it
                if (ReadChildren(_now))
                    foreach (var pid in _now)
                        if (!before.Contains(pid)) return pid;
                if (done) return 0;
                spin.SpinOnce();
            }
            return 0;
        }

        private void Run()
        {
            var tid = Native.gettid();
            _childrenPath = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{tid}/children\0"));
            Volatile.Write(ref _tid, tid);
            while (true)
            {
                _begin.Wait();
                if (_job is not { } job) return;
                try { _pid = job(); }
                catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
                _done = true;
                _end.Release();
            }
        }
    }
}
