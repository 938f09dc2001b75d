using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Runtime;

public class HostProcessRuntimeTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-runtime-");

    [Fact]
    public void A_pipe_that_cannot_be_created_fails_the_start_naming_the_errno()
    {
        var runtime = new HostProcessRuntime(new NullOutput())
        {
            CreatePipe = (out int readFd, out int writeFd) =>
            {
                readFd = writeFd = -1;
                return 24; // EMFILE: what ~10,000 containers did to a daemon with a 20,000 descriptor limit
            },
        };
        var launch = new ContainerLaunch("web", "app", ["/bin/true"], new Dictionary<string, string>(), _dir.Path,
            Path.Combine(_dir.Path, "logs", "0.log"), "test/web/uid/app/1");
        var e = Assert.Throws<ContainerStartException>(() => runtime.Start(launch));
        Assert.Equal("cannot create output pipe: Too many open files (EMFILE)", e.Message);
    }

    [Fact]
    public async Task Adopting_an_instance_that_ended_just_before_reports_its_end_as_unknown()
    {
        // It ended (and init reaped it) between the start's look at the stored status and the adoption: no pidfd can
        // be had for it. Its end must still be reported, as the kubelet reports a container it lost.
        var gone = new System.Diagnostics.Process { StartInfo = new("/bin/true") };
        gone.Start();
        await gone.WaitForExitAsync();
        var launch = new ContainerLaunch("web", "app", ["/bin/sleep", "60"], new Dictionary<string, string>(), _dir.Path,
            Path.Combine(_dir.Path, "logs", "0.log"), "test/web/uid/app/1");
        var adopted = Assert.IsType<HostProcess>(new HostProcessRuntime(new NullOutput()).Adopt(launch, gone.Id));
        var status = await adopted.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((137, HostProcess.UnknownReason), (status.ExitCode, adopted.ExitReason));
    }

    public void Dispose() => _dir.Dispose();

    private sealed class NullOutput : IContainerOutput
    {
        public void WriteLine(string pod, string container, string line) { }
    }
}
