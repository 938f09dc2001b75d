using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Testing;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A process is held before it execs while it is put where it must start: its cgroup, its descriptor
/// limit. In this process, with the daemon's spawner and reaper.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SpawnGateTests
{
    [Fact]
    public async Task A_process_given_a_descriptor_limit_starts_with_it()
    {
        Assert.Equal(0, Native.getrlimit(Native.RLIMIT_NOFILE, out var ours));
        var (output, status) = await RunAsync(new SpawnRequest("/bin/sh", ["sh", "-c", "grep 'open files' /proc/self/limits"], [], "/", -1,
            DescriptorLimit: (256, ours.Max)));
        Assert.True(status.Succeeded, status.ToString());
        Assert.Matches($@"Max open files\s+256\s+{ours.Max}\s", output);
        Assert.Equal(0, Native.getrlimit(Native.RLIMIT_NOFILE, out var after));
        Assert.Equal(ours.Current, after.Current); // the daemon's own limit is untouched
    }

    [Fact]
    public async Task What_a_process_forks_before_anything_else_starts_in_its_cgroup()
    {
        var cgroups = ContainerCgroups.TryCreate("test" + Guid.NewGuid().ToString("N")[..8], out var problem);
        Assert.True(cgroups is not null, problem);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var cgroup = cgroups.Create($"forker_{i}");
                // setsid(1) forks at once when it leads its process group, which a spawned container does: its
                // child execs sh, which prints where it is.
                var (output, status) = await RunAsync(new SpawnRequest("/usr/bin/setsid", ["setsid", "-w", "sh", "-c", "grep ^0:: /proc/self/cgroup"], [], "/", -1,
                    Cgroup: cgroup.Directory));
                Assert.True(status.Succeeded, status.ToString());
                Assert.Equal("0::" + cgroup.Path, output.Trim());
                Assert.True(await cgroup.KillAndRemoveAsync(TimeProvider.System, TimeSpan.FromSeconds(5)));
            }
        }
        finally
        {
            await cgroups.KillAllAsync(TimeProvider.System, removeTree: true);
        }
        Assert.False(Directory.Exists(cgroups.Directory));
    }

    /// <summary>A daemon SIGKILLed while a new process waits at its gate (before it execs, when close-on-exec has not
    /// acted yet): the waiting child holds only its own stdin and output and the gate, not the daemon's stdout and stderr
    /// (whose reader, a test or a terminal's pipe, saw no end of them while it waited: the CI's WorkloadAdoptionTests
    /// waited 60 s for a killed daemon's output to end), and the next daemon's <see cref="SpawnGate.ReleaseAbandoned()"/>
    /// ends it without running its program. Here the gone daemon is a gate named for pid 0, which no process has,
    /// whose prepare step waits while the test looks.</summary>
    [Fact]
    public async Task A_child_left_waiting_by_a_daemon_that_is_gone_holds_only_its_own_output_and_ends_without_running_once_released()
    {
        var directory = Directory.CreateTempSubdirectory("sup-gate-test-").FullName;
        var ran = Path.Combine(directory, "ran");
        Assert.Equal(0, Native.CreatePipe(out var readFd, out var writeFd));
        using var reader = new StreamReader(new FileStream(new SafeFileHandle(readFd, ownsHandle: true), FileAccess.Read));
        var gate = new SpawnGate(directory, (Pid: 0, StartTicks: 0));
        var request = new SpawnRequest("/bin/sh", ["sh", "-c", $"touch {ran}"], [], "/", writeFd);
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var looked = new ManualResetEventSlim();
        var spawn = Task.Run(() => gate.Spawn(paths => ProcessSpawner.SpawnNow(request, paths), pid =>
        {
            held.SetResult(pid);
            looked.Wait(TimeSpan.FromSeconds(60));
        }));
        try
        {
            var child = await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var output = Link($"/proc/self/fd/{writeFd}");
            Assert.Equal(output, Link($"/proc/{child}/fd/1"));
            Assert.Equal(output, Link($"/proc/{child}/fd/2"));
            // Once it waits (in the open of the gate), nothing else of this process: its stdout's copies (.NET keeps
            // some), its sockets and its files are closed.
            await Poll.Until(() => File.ReadAllText($"/proc/{child}/wchan") == "wait_for_partner", "the child to wait at the gate", 10);
            Assert.Equal(["0", "1", "2"], Directory.GetFileSystemEntries($"/proc/{child}/fd").Select(Path.GetFileName).Order());
            Assert.Equal("/dev/null", Link($"/proc/{child}/fd/0"));

            // A gate of a process that lives (this one) is left alone.
            Assert.True(ProcFs.TryRead(Environment.ProcessId, out var self));
            var live = Path.Combine(directory, $"sup-spawn-{Environment.ProcessId}-{self.StartTicks}-1");
            File.WriteAllText(live, "");

            Assert.Equal(1, SpawnGate.ReleaseAbandoned(directory));
            await Poll.Until(() => !Directory.Exists($"/proc/{child}"), "the released child to end", 10);
            Assert.False(File.Exists(ran), "the released child ran its program");
            Assert.Equal([live], Directory.GetFileSystemEntries(directory).Where(e => e != ran));
        }
        finally
        {
            looked.Set();
            Native.close(writeFd);
        }
        // The daemon (here, alive) is told its spawn failed.
        await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => spawn.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", await reader.ReadToEndAsync());
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Anyone may write to the temp directory: a link named like a gone daemon's gate is removed, and what it
    /// names is not opened (a root daemon's open of a device, say, could do something).</summary>
    [Fact]
    public void A_link_named_like_a_gone_daemons_gate_is_not_followed()
    {
        var directory = Directory.CreateTempSubdirectory("sup-gate-test-").FullName;
        var target = Path.Combine(directory, "target");
        File.WriteAllText(target, "kept");
        File.CreateSymbolicLink(Path.Combine(directory, "sup-spawn-0-0-1"), target);

        Assert.Equal(0, SpawnGate.ReleaseAbandoned(directory));
        Assert.Equal([target], Directory.GetFileSystemEntries(directory));
        Assert.Equal("kept", File.ReadAllText(target));
        Directory.Delete(directory, recursive: true);
    }

    private static string Link(string path) => new FileInfo(path).LinkTarget ?? throw new IOException($"{path} is not a link");

    /// <summary>Spawns the request with a pipe as its stdout and stderr; returns what it wrote and how it ended.</summary>
    private static async Task<(string Output, ExitStatus Status)> RunAsync(SpawnRequest request)
    {
        ChildReaper.Shared.EnsureStarted();
        Assert.Equal(0, Native.CreatePipe(out var readFd, out var writeFd));
        Task<ExitStatus> exited;
        try
        {
            (_, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request with { OutputFd = writeFd }));
        }
        finally
        {
            Native.close(writeFd);
        }
        using var reader = new StreamReader(new FileStream(new SafeFileHandle(readFd, ownsHandle: true), FileAccess.Read));
        var output = await reader.ReadToEndAsync();
        return (output, await exited.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
