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

    public void Dispose() => _dir.Dispose();

    private sealed class NullOutput : IContainerOutput
    {
        public void WriteLine(string pod, string container, string line) { }
    }
}
