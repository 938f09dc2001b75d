using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Runtime;

public sealed class ContainerStreamsTests
{
    private sealed class Recorder : IOutputHandler
    {
        public List<string> Seen { get; } = [];

        public void OnData(ReadOnlySpan<byte> data) => Seen.Add(System.Text.Encoding.UTF8.GetString(data));

        public void OnClosed() => Seen.Add("<closed>");
    }

    [Fact]
    public async Task Every_attached_client_sees_the_output_written_after_it_attached_and_the_log_sees_all()
    {
        var streams = new ContainerStreams(null, stdinOnce: false, tty: false);
        var log = new Recorder();
        var tee = streams.Tee(log);
        tee.OnData("before\n"u8);
        using var first = streams.Subscribe();
        using var second = streams.Subscribe();
        tee.OnData("after\n"u8);
        streams.Publish("oops\n"u8, stderr: true);
        tee.OnClosed();

        foreach (var client in new[] { first, second })
        {
            var chunks = await client.Output.ReadAllAsync().ToListAsync();
            Assert.Equal(["after\n", "oops\n"], chunks.Select(c => System.Text.Encoding.UTF8.GetString(c.Data)));
            Assert.Equal([false, true], chunks.Select(c => c.Stderr));
        }
        Assert.Equal(["before\n", "after\n", "<closed>"], log.Seen);
        Assert.True(streams.Ended.IsCompleted);
    }

    [Fact]
    public async Task A_client_that_attaches_after_the_end_sees_nothing_and_ends_at_once()
    {
        var streams = new ContainerStreams(null, stdinOnce: false, tty: false);
        streams.Complete();
        using var late = streams.Subscribe();
        Assert.Empty(await late.Output.ReadAllAsync().ToListAsync());
    }

    [Fact]
    public void StdinOnce_closes_stdin_when_the_first_attach_that_used_it_ends()
    {
        var input = new MemoryStream();
        var streams = new ContainerStreams(input, stdinOnce: true, tty: false);
        streams.AttachEnded(usedStdin: false);
        Assert.Same(input, streams.Input);
        streams.AttachEnded(usedStdin: true);
        Assert.Null(streams.Input);
        Assert.False(input.CanWrite);
    }

    [Fact]
    public void Without_stdinOnce_stdin_stays_open_across_attaches_until_the_container_ends()
    {
        var input = new MemoryStream();
        var closedTerminal = false;
        var streams = new ContainerStreams(input, stdinOnce: false, tty: true, resize: (_, _) => { }, closeInput: () => closedTerminal = true);
        streams.AttachEnded(usedStdin: true);
        Assert.Same(input, streams.Input);
        streams.Complete();
        Assert.Null(streams.Input);
        Assert.True(closedTerminal);
    }
}
