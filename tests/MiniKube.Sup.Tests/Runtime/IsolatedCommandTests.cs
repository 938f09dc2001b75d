using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Runtime;

public sealed class IsolatedCommandTests
{
    [Fact]
    public void A_container_without_user_or_isolation_runs_its_program_as_it_is()
    {
        var (executable, argv) = IsolatedCommand.Of("/usr/bin/sleep", ["sleep", "5"], null, null);

        Assert.Equal("/usr/bin/sleep", executable);
        Assert.Equal(["sleep", "5"], argv);
    }

    [Fact]
    public void A_user_is_set_by_setpriv_before_the_program()
    {
        var (executable, argv) = IsolatedCommand.Of("/usr/bin/id", ["id", "-u"], null, new HostUser(1000, 3000, [4000, 2000], NoNewPrivileges: true));

        Assert.Equal("setpriv", executable);
        Assert.Equal(["setpriv", "--reuid", "1000", "--regid", "3000", "--groups", "4000,2000", "--no-new-privs", "--", "/usr/bin/id", "-u"], argv);
        Assert.Contains("--clear-groups", IsolatedCommand.Of("/usr/bin/id", ["id"], null, new HostUser(1000, 0, [])).Argv);
    }

    [Fact]
    public void Isolation_passes_every_path_as_an_argument_of_a_fixed_script_never_as_its_text()
    {
        var isolation = new HostIsolation([new BindMount("/state/v; rm -rf /", "/work dir", ReadOnly: true)], "/state/hosts", PrivateTmp: true, "/work dir");

        var (executable, argv) = IsolatedCommand.Of("run.sh", ["run.sh", "a b"], isolation, new HostUser(1000, 0, []));

        Assert.Equal("unshare", executable);
        Assert.Equal(["unshare", "--mount", "--propagation", "slave", "--", "/bin/sh", "-c", IsolatedCommand.Script, "sup-isolate",
            "1", "/state/hosts", "/work dir", "1", "/state/v; rm -rf /", "/work dir", "ro", "--",
            "setpriv", "--reuid", "1000", "--regid", "0", "--clear-groups", "--", "run.sh", "a b"], argv);
    }

    [Fact]
    public void A_daemon_that_is_not_root_mounts_as_root_of_a_user_namespace_and_runs_the_program_as_itself_in_a_nested_one()
    {
        var isolation = new HostIsolation([new BindMount("/home/u/v", "/home/u/w")], UserNamespace: new DaemonIds(1000, 1001));

        var (executable, argv) = IsolatedCommand.Of("/bin/cat", ["cat", "f"], isolation, null);

        Assert.Equal("unshare", executable);
        Assert.Equal(["unshare", "--user", "--map-root-user", "--mount", "--propagation", "slave", "--", "/bin/sh", "-c", IsolatedCommand.Script, "sup-isolate",
            "0", "", "", "1", "/home/u/v", "/home/u/w", "rw", "--",
            "unshare", "--user", "--map-user=1000", "--map-group=1001", "--mount", "--propagation", "slave", "--", "/bin/cat", "f"], argv);
        Assert.Equal(["nsenter", "--target", "42", "--user", "--preserve-credentials", "--mount", "--wd=/w", "--", "/bin/cat", "f"],
            IsolatedCommand.InContainer(42, isolation, null, "/bin/cat", ["cat", "f"], "/w").Argv);
        // Its own ids: setpriv sets only no-new-privs (it may not set groups).
        Assert.Equal(["setpriv", "--no-new-privs", "--", "/bin/cat", "f"],
            IsolatedCommand.Of("/bin/cat", ["cat", "f"], null, new HostUser(1000, 1000, [], NoNewPrivileges: true, TheDaemons: true)).Argv);
    }

    [Fact]
    public void A_command_run_later_enters_the_containers_mount_namespace_and_user()
    {
        var isolation = new HostIsolation([], WorkingDirectory: "/work-dir");

        var (executable, argv) = IsolatedCommand.InContainer(42, isolation, new HostUser(1000, 0, []), "/bin/cat", ["cat", "ready"], "/state/pods/p");

        Assert.Equal("nsenter", executable);
        Assert.Equal(["nsenter", "--target", "42", "--mount", "--wd=/work-dir", "--", "setpriv", "--reuid", "1000", "--regid", "0", "--clear-groups", "--", "/bin/cat", "ready"], argv);
        Assert.Equal(["nsenter", "--target", "42", "--mount", "--wd=/state/pods/p", "--", "/bin/cat", "ready"],
            IsolatedCommand.InContainer(42, new HostIsolation([]), null, "/bin/cat", ["cat", "ready"], "/state/pods/p").Argv);
    }
}
