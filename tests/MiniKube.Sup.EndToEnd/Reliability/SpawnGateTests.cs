using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

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
