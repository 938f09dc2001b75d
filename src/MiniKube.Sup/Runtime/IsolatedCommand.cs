using System.Globalization;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// The command line that starts a host container in its <see cref="HostIsolation"/> and as its
/// <see cref="HostUser"/>, with util-linux's tools (a multithreaded daemon can neither unshare a mount namespace nor
/// change its user for one child): <c>unshare --mount --propagation slave</c> runs a fixed <c>sh</c> script that
/// makes the mounts (paths passed as arguments, never as script text) and execs <c>setpriv</c>, which sets the user
/// and execs the container's program. Every step execs the next: the pid the daemon spawned is the program's.
/// A daemon that is not root makes the namespace in an unprivileged user namespace (<c>unshare --user
/// --map-root-user</c>), and the program runs in a nested one that maps the daemon's ids back, as itself.
/// </summary>
public static class IsolatedCommand
{
    public const string Unshare = "unshare";
    public const string Setpriv = "setpriv";

    /// <summary>$1: private /tmp (1/0); $2: hosts file or ""; $3: working directory or ""; $4: mount count, then
    /// (source, destination, ro|rw) per mount, then "--" and the command. A missing mount point is made as the source
    /// is (a directory, or an empty file). A private /tmp is mounted first, so that mounts below it show; the host's
    /// /tmp stays reachable through descriptor 9 for the sources that live there (a state dir under /tmp). A source
    /// in the directory the script starts in (the pod directory: its volumes, hosts file and service account files)
    /// is named relative to it: a volume mounted over one of its parents (at /work, with the state dir under /work)
    /// would hide the later ones, and the starting directory stays the one underneath.</summary>
    internal const string Script = """
        set -e
        tmp=$1 hosts=$2 wd=$3 n=$4 here=$(pwd -P)
        shift 4
        host() {
          case $1 in "$here"/*) echo "./${1#"$here"/}"; return;; esac
          if [ "$tmp" = 1 ]; then case $1 in /tmp/*) echo "/proc/self/fd/9/${1#/tmp/}"; return;; esac; fi
          echo "$1"
        }
        if [ "$tmp" = 1 ]; then exec 9< /tmp; mount -t tmpfs -o mode=1777 sup-tmp /tmp; fi
        while [ "$n" -gt 0 ]; do
          src=$(host "$1")
          if [ -d "$src" ]; then mkdir -p -- "$2"; elif [ ! -e "$2" ]; then mkdir -p -- "$(dirname -- "$2")"; : > "$2"; fi
          mount --bind -- "$src" "$2"
          if [ "$3" = ro ]; then mount -o remount,bind,ro -- "$2"; fi
          shift 3
          n=$((n - 1))
        done
        shift
        if [ -n "$hosts" ]; then mount --bind -- "$(host "$hosts")" /etc/hosts; fi
        if [ "$tmp" = 1 ]; then exec 9<&-; fi
        if [ -n "$wd" ]; then cd -- "$wd"; fi
        exec "$@"
        """;

    /// <summary>The executable and argv to spawn: the program itself when neither applies.</summary>
    /// <param name="program">the program's path (or name, resolved on the container's PATH where it runs)</param>
    public static (string Executable, IReadOnlyList<string> Argv) Of(string program, IReadOnlyList<string> argv, HostIsolation? isolation, HostUser? user)
    {
        List<string> command = [program, .. argv.Skip(1)];
        if (user is not null)
        {
            List<string> setpriv = user.TheDaemons ? [Setpriv] :
            [
                Setpriv, "--reuid", Text(user.Uid), "--regid", Text(user.Gid),
                .. user.Groups.Count == 0 ? new[] { "--clear-groups" } : ["--groups", string.Join(',', user.Groups.Select(Text))],
            ];
            if (user.NoNewPrivileges) setpriv.Add("--no-new-privs");
            command = [.. setpriv, "--", .. command];
        }
        if (isolation is null) return user is null ? (program, argv) : (Setpriv, command);
        List<string> unshare = [Unshare];
        if (isolation.UserNamespace is { } ids)
        {
            // Root in a user namespace of the daemon's own makes the mounts; the program runs as the daemon's user
            // again in a nested one (with a mount namespace of its own, so that nsenter can enter both).
            unshare.AddRange(["--user", "--map-root-user"]);
            command = [Unshare, "--user", "--map-user=" + Text(ids.Uid), "--map-group=" + Text(ids.Gid), "--mount", "--propagation", "slave", "--", .. command];
        }
        unshare.AddRange(
        [
            "--mount", "--propagation", "slave", "--", "/bin/sh", "-c", Script, "sup-isolate",
            isolation.PrivateTmp ? "1" : "0", isolation.HostsFile ?? "", isolation.WorkingDirectory ?? "", Text(isolation.Mounts.Count),
        ]);
        foreach (var m in isolation.Mounts) unshare.AddRange([m.Source, m.Destination, m.ReadOnly ? "ro" : "rw"]);
        return (Unshare, [.. unshare, "--", .. command]);
    }

    /// <summary>A command run later in such a container (an exec probe, a hook): entered into its mount namespace
    /// (<c>nsenter --target PID --mount</c>, which would leave it at the namespace's root: so in the container's
    /// working directory there, as the kubelet runs it) and run as its user.</summary>
    /// <param name="workingDirectory">where the container was started (its working directory on the host)</param>
    public static (string Executable, IReadOnlyList<string> Argv) InContainer(int pid, HostIsolation? isolation, HostUser? user, string program, IReadOnlyList<string> argv,
        string workingDirectory)
    {
        var (executable, inner) = Of(program, argv, null, user);
        if (isolation is null) return (executable, inner);
        List<string> nsenter = ["nsenter", "--target", Text(pid)];
        // A daemon that is not root enters the container's user namespace too (as itself: nsenter would become its root).
        if (isolation.UserNamespace is not null) nsenter.AddRange(["--user", "--preserve-credentials"]);
        nsenter.AddRange(["--mount", "--wd=" + (isolation.WorkingDirectory ?? workingDirectory)]);
        return ("nsenter", [.. nsenter, "--", executable == program ? program : executable, .. inner.Skip(1)]);
    }

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}
