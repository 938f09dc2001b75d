using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace MiniKube.Sup.Processes;

/// <summary>
/// Starts a host process with posix_spawn in a session of its own (POSIX_SPAWN_SETSID), so that its pid is its
/// process group id and one kill(-pgid) reaches the master and every worker it forks. No shell is involved.
/// Signal dispositions and the mask are reset to defaults: the .NET runtime ignores SIGPIPE, and a child must not
/// inherit that. stdin is /dev/null; stdout and stderr share one descriptor so that their lines stay in order (an
/// exec may give its own stdin and stderr, or a terminal for all three).
/// A process that must start in a cgroup, or with the descriptor limit the daemon inherited rather than the one it
/// raised, is held before it execs while that is done (<see cref="SpawnGate"/>).
/// </summary>
public static unsafe class ProcessSpawner
{
    /// <summary>The descriptor the child opens its gate on, after 0, 1 and 2 (and from which the rest are closed).</summary>
    private const int GateFd = 3;

    /// <summary>Whether this C library has posix_spawn_file_actions_addclosefrom_np (glibc 2.34).</summary>
    private static readonly bool CanCloseFrom = HasCloseFrom();

    public static int Spawn(SpawnRequest request)
    {
        var limit = request.DescriptorLimit ?? DescriptorLimit.ForChildren;
        if (request.Cgroup is null && limit is null && request.AlsoJoin is not { Count: > 0 }) return SpawnNow(request, gate: null);
        var spawnGate = SpawnGate.Shared
            ?? throw new Win32Exception(Native.ENOSYS, $"cannot start {request.ExecutablePath}: it cannot be held before it starts: {SpawnGate.Problem}");
        return spawnGate.Spawn(gate => SpawnNow(request, gate), pid =>
        {
            if (limit is { } l && Native.prlimit(pid, Native.RLIMIT_NOFILE, new Native.RLimit { Current = l.Soft, Max = l.Hard }, null) != 0)
                throw new Win32Exception(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(),
                    $"cannot start {request.ExecutablePath}: cannot give it the descriptor limit {l.Soft}: {Errno.DescribeLast()}");
            if (request.Cgroup is { } cgroup && CgroupFile.AddProcess(cgroup, pid) is { } problem)
                throw new Win32Exception(Native.EAGAIN, $"cannot start {request.ExecutablePath}: cannot move it into cgroup {cgroup}: {problem}");
            foreach (var other in request.AlsoJoin ?? [])
                if (CgroupFile.AddProcess(other, pid) is { } failed) request.JoinFailed?.Invoke(other, failed);
        });
    }

    /// <param name="gate">where the child waits before it execs (<see cref="SpawnGate"/>), or null to start it at once</param>
    internal static int SpawnNow(SpawnRequest request, SpawnGate.Paths? gate)
    {
        var allocations = new List<nint>();
        var fileActions = NativeMemory.AllocZeroed(Native.FileActionsSize);
        var attr = NativeMemory.AllocZeroed(Native.SpawnAttrSize);
        var sigDefault = NativeMemory.AllocZeroed(Native.SigSetSize);
        var sigMask = NativeMemory.AllocZeroed(Native.SigSetSize);
        try
        {
            Check(Native.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            Check(Native.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try
            {
                // stdin, stdout and stderr first (every open of fd 0 closes it first, so it cannot fail for want of a
                // descriptor number under the child's possibly lowered limit), then every other descriptor closed: until
                // it execs, the child holds a copy of each one the daemon has (close-on-exec acts only at the exec), and
                // one whose daemon dies while it waits at the gate would hold them for as long as it waits: the
                // daemon's stdout and stderr (and .NET's own copies of them), so that whoever reads those (a
                // terminal's pipe, systemd's journal, a test) would never see their end, and its sockets and files.
                if (request.Terminal is { } terminal)
                {
                    // POSIX_SPAWN_SETSID runs before the file actions: the open makes it the session's terminal.
                    Check(Native.posix_spawn_file_actions_addopen(fileActions, 0, Utf8(allocations, terminal), Native.O_RDWR, 0), "addopen");
                    Check(Native.posix_spawn_file_actions_adddup2(fileActions, 0, 1), "adddup2");
                    Check(Native.posix_spawn_file_actions_adddup2(fileActions, 0, 2), "adddup2");
                }
                else
                {
                    if (request.InputFd is { } input) Check(Native.posix_spawn_file_actions_adddup2(fileActions, input, 0), "adddup2");
                    else Check(Native.posix_spawn_file_actions_addopen(fileActions, 0, Utf8(allocations, "/dev/null"), Native.O_RDONLY, 0), "addopen");
                    Check(Native.posix_spawn_file_actions_adddup2(fileActions, request.OutputFd, 1), "adddup2");
                    Check(Native.posix_spawn_file_actions_adddup2(fileActions, request.ErrorFd ?? request.OutputFd, 2), "adddup2");
                }
                if (CanCloseFrom) Check(Native.posix_spawn_file_actions_addclosefrom_np(fileActions, GateFd), "addclosefrom");
                if (gate is { } g)
                {
                    // Waits until a writer opens the FIFO; then goes on only if the FIFO has its Go name too, which the
                    // daemon alone gives it (SpawnGate.Release): released by anyone else (the next daemon's
                    // ReleaseAbandoned, when this one died while the child waited), the open fails and the child ends
                    // with 127 without running its program outside what it was to be given.
                    Check(Native.posix_spawn_file_actions_addopen(fileActions, GateFd, Utf8(allocations, g.Wait), Native.O_RDONLY, 0), "addopen");
                    Check(Native.posix_spawn_file_actions_addopen(fileActions, GateFd, Utf8(allocations, g.Go), Native.O_RDONLY | Native.O_NONBLOCK, 0), "addopen");
                    Check(Native.posix_spawn_file_actions_addclose(fileActions, GateFd), "addclose");
                }
                Check(Native.posix_spawn_file_actions_addchdir_np(fileActions, Utf8(allocations, request.WorkingDirectory)), "addchdir");

                Native.sigfillset(sigDefault);
                Native.sigemptyset(sigMask);
                Check(Native.posix_spawnattr_setsigdefault(attr, sigDefault), "setsigdefault");
                Check(Native.posix_spawnattr_setsigmask(attr, sigMask), "setsigmask");
                Check(Native.posix_spawnattr_setflags(attr,
                    Native.POSIX_SPAWN_SETSID | Native.POSIX_SPAWN_SETSIGDEF | Native.POSIX_SPAWN_SETSIGMASK), "setflags");

                var argv = NullTerminatedArray(allocations, request.Argv);
                var envp = NullTerminatedArray(allocations, request.Environment);
                var path = Utf8(allocations, request.ExecutablePath);
                var rc = Native.posix_spawn(out var pid, path, fileActions, attr, argv, envp);
                if (rc != 0)
                    throw new Win32Exception(rc, $"cannot start {request.ExecutablePath}: {new Win32Exception(rc).Message}");
                return pid;
            }
            finally
            {
                Native.posix_spawn_file_actions_destroy(fileActions);
                Native.posix_spawnattr_destroy(attr);
            }
        }
        finally
        {
            foreach (var p in allocations) NativeMemory.Free((void*)p);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigDefault);
            NativeMemory.Free(sigMask);
        }
    }

    private static bool HasCloseFrom()
    {
        var fileActions = NativeMemory.AllocZeroed(Native.FileActionsSize);
        try
        {
            if (Native.posix_spawn_file_actions_init(fileActions) != 0) return false;
            try { return Native.posix_spawn_file_actions_addclosefrom_np(fileActions, GateFd) == 0; }
            catch (EntryPointNotFoundException) { return false; }
            finally { Native.posix_spawn_file_actions_destroy(fileActions); }
        }
        finally
        {
            NativeMemory.Free(fileActions);
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0) throw new Win32Exception(rc, $"{call} failed: {new Win32Exception(rc).Message}");
    }

    private static byte* Utf8(List<nint> allocations, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)count + 1);
        allocations.Add((nint)buffer);
        Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, count));
        buffer[count] = 0;
        return buffer;
    }

    private static byte** NullTerminatedArray(List<nint> allocations, IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(nint));
        allocations.Add((nint)array);
        for (var i = 0; i < values.Count; i++) array[i] = Utf8(allocations, values[i]);
        return array;
    }
}
