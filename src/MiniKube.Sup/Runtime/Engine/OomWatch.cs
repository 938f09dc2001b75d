using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Whether the kernel's OOM killer struck in a container, read from its memory cgroup's oom_kill counter at the
/// instant its main process dies (a pidfd turns readable then). podman's own OOMKilled cannot be relied on (its
/// conmon misses OOM events under a hybrid cgroup v1 layout), and the cgroup is gone soon after the exit, so the
/// counter is read before that.
/// </summary>
internal static partial class OomWatch
{
    private const int PidfdOpen = 434; // the same number on every architecture (a syscall added after the unification)
    private const short PollIn = 0x1;

    /// <returns>a task that completes, once the process has exited, with whether the OOM killer ran in the cgroup;
    /// null when it cannot be watched (no pidfd, no counter)</returns>
    public static Task<bool>? Start(int pid, string? memoryDirectory)
    {
        if (memoryDirectory is null || CounterFile(memoryDirectory) is not { } counter) return null;
        var before = Read(counter) ?? 0;
        var pidfd = (int)pidfd_open(PidfdOpen, pid, 0);
        if (pidfd < 0) return null;
        return Task.Factory.StartNew(() =>
        {
            try
            {
                var poll = new PollFd { Fd = pidfd, Events = PollIn };
                while (Poll(ref poll, 1, -1) < 0 && Marshal.GetLastPInvokeError() == 4 /* EINTR */) { }
                return Read(counter) is { } after && after > before;
            }
            finally
            {
                close(pidfd);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>cgroup v1: memory.oom_control; v2: memory.events. Both have an "oom_kill N" line.</summary>
    private static string? CounterFile(string directory) =>
        new[] { "memory.oom_control", "memory.events" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);

    private static long? Read(string file)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long pidfd_open(long number, int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, ulong count, int timeout);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
