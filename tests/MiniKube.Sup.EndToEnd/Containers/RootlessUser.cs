using System.Globalization;
using MiniKube.Sup.EndToEnd.Reliability;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>
/// A local user who runs rootless podman: created for the test class (<see cref="OtherUser"/>, removed with
/// userdel -r afterwards, which also drops its /etc/subuid and /etc/subgid entries), given a range of subordinate
/// ids when useradd gave none, a runtime directory of its own (XDG_RUNTIME_DIR, 0700: podman's run root, its pause
/// process's pid file and the pods' network namespaces live there), and the test images in its own store
/// (tests/images/build.sh run as the user). slirp4netns, which gives each rootless pod its network, opens
/// /dev/net/tun: where no udev made it 0666 (as every distribution's udev rules do), it is made so for the class and
/// put back afterwards.
/// </summary>
public sealed class RootlessUser : IAsyncLifetime
{
    private const int RangeSize = 65536;
    private const string Tun = "/dev/net/tun";
    private readonly OtherUserFixture _fixture = new();
    private UnixFileMode? _tunMode;

    internal OtherUser User => _fixture.User;

    /// <summary>The user's XDG_RUNTIME_DIR.</summary>
    public string RuntimeDir { get; private set; } = "";

    /// <summary>A fresh directory owned by the user (0700), for one daemon.</summary>
    public string NewOwnedDirectory()
    {
        var dir = _fixture.NewDirectory();
        Chown(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    /// <summary>setpriv arguments that run <paramref name="command"/> as the user, in its rootless podman setting.</summary>
    public string[] As(params string[] command) => User.As(["env", $"XDG_RUNTIME_DIR={RuntimeDir}", .. command]);

    /// <summary>Runs a program as the user to its end.</summary>
    public Task<(int Code, string Out, string Err)> RunAsync(params string[] command) => SupDaemon.Run("setpriv", As(command), timeoutSeconds: 300);

    public async Task InitializeAsync()
    {
        EnsureSubordinateIds("/etc/subuid");
        EnsureSubordinateIds("/etc/subgid");
        var mode = File.GetUnixFileMode(Tun);
        if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != (UnixFileMode.OtherRead | UnixFileMode.OtherWrite))
        {
            _tunMode = mode;
            File.SetUnixFileMode(Tun, mode | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }
        RuntimeDir = NewOwnedDirectory();
        var build = await RunAsync(Path.Combine(Binaries.Tests, "images", "build.sh"), "podman");
        if (build.Code != 0) throw new InvalidOperationException($"images/build.sh podman as {User.Name} exited {build.Code}:\n{build.Out}{build.Err}");
        // The build's podman commands started the user's pause process: ended, so that the daemon starts as a user's
        // first podman would (and ends the one it starts).
        await RunAsync("podman", "system", "migrate");
    }

    /// <summary>The user's processes that have not exited (a zombie is one its parent has not waited for yet).</summary>
    internal IReadOnlyList<string> LiveProcesses()
    {
        var left = new List<string>();
        foreach (var p in Processes.ProcFs.Snapshot())
        {
            if (p.IsZombie) continue;
            if (OwnerOf(p.Pid) == User.Uid) left.Add($"{p.Pid} {p.Comm}");
        }
        return left;
    }

    /// <summary>The user's zombies named <paramref name="commands"/> (processes that exited and nobody waited for).</summary>
    internal IReadOnlyList<string> Zombies(IReadOnlySet<string> commands) =>
        Processes.ProcFs.Snapshot().Where(p => p.IsZombie && commands.Contains(p.Comm) && OwnerOf(p.Pid) == User.Uid)
            .Select(p => $"{p.Pid} {p.Comm} (parent {p.Ppid})").ToList();

    public async Task DisposeAsync()
    {
        try
        {
            // The daemon ended the pause process it started; one left by a failed test goes here (userdel refuses a
            // user who still runs something).
            await RunAsync("podman", "system", "migrate");
            foreach (var p in Processes.ProcFs.Snapshot().Where(p => !p.IsZombie && OwnerOf(p.Pid) == User.Uid))
                Processes.Native.kill(p.Pid, Processes.Native.SIGKILL);
        }
        finally
        {
            if (_tunMode is { } mode) File.SetUnixFileMode(Tun, mode);
            _fixture.Dispose();
        }
    }

    /// <summary>A range of subordinate ids for the user, after every range the file has (useradd may have given one
    /// already, as login.defs' SUB_UID_COUNT says).</summary>
    private void EnsureSubordinateIds(string file)
    {
        var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
        if (lines.Any(l => l.StartsWith(User.Name + ":", StringComparison.Ordinal))) return;
        long next = 100000;
        foreach (var parts in lines.Select(l => l.Split(':')).Where(p => p.Length == 3))
            if (long.TryParse(parts[1], out var start) && long.TryParse(parts[2], out var count)) next = Math.Max(next, start + count);
        File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"{User.Name}:{next}:{RangeSize}\n"));
    }

    private void Chown(string path)
    {
        var (code, _, err) = SupDaemon.Run("chown", ["-R", $"{User.Name}:{User.Name}", path]).GetAwaiter().GetResult();
        if (code != 0) throw new InvalidOperationException($"chown {path}: {err}");
    }

    private static long OwnerOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return long.Parse(line[4..].Trim().Split('\t')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return -1;
    }
}
