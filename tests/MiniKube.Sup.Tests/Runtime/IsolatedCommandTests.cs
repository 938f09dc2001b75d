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
    public void A_command_run_later_enters_the_containers_mount_namespace_and_user()
    {
        var isolation = new HostIsolation([], WorkingDirectory: "/work-dir");

        var (executable, argv) = IsolatedCommand.InContainer(42, isolation, new HostUser(1000, 0, []), "/bin/cat", ["cat", "ready"]);

        Assert.Equal("nsenter", executable);
        Assert.Equal(["nsenter", "--target", "42", "--mount", "--wd=/work-dir", "--", "setpriv", "--reuid", "1000", "--regid", "0", "--clear-groups", "--", "/bin/cat", "ready"], argv);
        Assert.Equal(["nsenter", "--target", "42", "--mount", "--", "/bin/cat", "ready"], IsolatedCommand.InContainer(42, new HostIsolation([]), null, "/bin/cat", ["cat", "ready"]).Argv);
    }
}
