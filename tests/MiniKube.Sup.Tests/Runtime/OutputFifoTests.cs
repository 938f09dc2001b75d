using System.Text;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Runtime;

/// <summary>The named pipe of a host container's output (<see cref="OutputFifo"/>), as a later daemon reopens it.</summary>
public sealed class OutputFifoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-fifo-").FullName;
    private string Path => System.IO.Path.Combine(_dir, "app.1");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Reopening_the_pipe_of_a_running_instance_reads_what_it_wrote_meanwhile_and_its_end()
    {
        // An earlier daemon made the pipe and died; the container wrote while no daemon read, then ends after the next
        // daemon reopened the pipe.
        Assert.Equal(0, OutputFifo.Create(Path, out var daemonEnd, out var containerEnd));
        Native.close(daemonEnd);
        using (var container = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(containerEnd, ownsHandle: true), FileAccess.Write, bufferSize: 0))
        {
            container.Write("while no daemon ran\n"u8);
            var fd = OutputFifo.Reopen(Path);
            Assert.True(fd >= 0);
            var handler = new Collecting();
            OutputMultiplexer.Shared.Add(fd, handler);
            container.Write("last words\n"u8);
            container.Dispose();
            await handler.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("while no daemon ran\nlast words\n", handler.Text);
        }
    }

    [Fact]
    public async Task Reopening_the_pipe_of_an_instance_that_ended_meanwhile_reports_its_end()
    {
        // Adopted at the moment it exited: its pipe has no writer left when the next daemon opens it (and whatever it
        // wrote went with the last descriptor on the pipe).
        Assert.Equal(0, OutputFifo.Create(Path, out var daemonEnd, out var containerEnd));
        Native.close(daemonEnd);
        Native.close(containerEnd);

        var fd = OutputFifo.Reopen(Path);
        Assert.True(fd >= 0);
        var handler = new Collecting();
        OutputMultiplexer.Shared.Add(fd, handler);
        await handler.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("", handler.Text);
    }

    /// <summary>linux/fcntl.h: a pipe's buffer size.</summary>
    private const int F_GETPIPE_SZ = 1032;

    [Fact]
    public void The_pipe_holds_a_mebibyte_for_a_root_daemon_and_the_kernels_default_otherwise()
    {
        // What a container may write while no daemon reads before its writes wait (README, Upgrades and crashes).
        Assert.Equal(0, OutputFifo.Create(Path, out var daemonEnd, out var containerEnd));
        try { Assert.Equal(Native.geteuid() == 0 ? OutputFifo.Capacity : 64 * 1024, Native.fcntl(containerEnd, F_GETPIPE_SZ, 0)); }
        finally
        {
            Native.close(daemonEnd);
            Native.close(containerEnd);
        }
    }

    private sealed class Collecting : IOutputHandler
    {
        private readonly StringBuilder _text = new();
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Text { get { lock (_text) return _text.ToString(); } }
        public void OnData(ReadOnlySpan<byte> data) { lock (_text) _text.Append(Encoding.UTF8.GetString(data)); }
        public void OnClosed() => Closed.TrySetResult();
    }
}
