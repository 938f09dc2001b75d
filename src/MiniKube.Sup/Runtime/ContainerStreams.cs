using System.Threading.Channels;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// What <c>kubectl attach</c> reaches of a running container instance (k8s CRI Attach): its output as it is written,
/// to every attached client, and, for a container that declares <c>stdin: true</c>, the stdin the runtime keeps open for
/// it (with <c>tty: true</c>, the terminal it runs on, which can be resized). Output is never replayed: an attach sees
/// what comes after it (the log has the rest). A client that reads too slowly loses output rather than holding the
/// container back (its subscription is bounded).
/// </summary>
public sealed class ContainerStreams
{
    /// <summary>Chunks a client may fall behind by before its oldest are dropped.</summary>
    private const int Backlog = 1024;

    private readonly Lock _gate = new();
    private readonly List<Channel<OutputChunk>> _clients = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ushort, ushort>? _resize;
    private readonly Action? _closeInput;
    private Stream? _input;
    private bool _closed;

    /// <param name="input">the container's stdin (its pipe, or its terminal's master); null: it has none</param>
    /// <param name="stdinOnce">k8s stdinOnce: stdin is closed when the first attach that used it ends</param>
    /// <param name="resize">sets the terminal's size (columns, rows); null without a TTY</param>
    /// <param name="closeInput">releases what stays open with the input once output has ended (a terminal's master)</param>
    public ContainerStreams(Stream? input, bool stdinOnce, bool tty, Action<ushort, ushort>? resize = null, Action? closeInput = null)
    {
        _input = input;
        StdinOnce = stdinOnce;
        Tty = tty;
        _resize = resize;
        _closeInput = closeInput;
    }

    /// <summary>For an engine container that has no stdin of the daemon's (docker's logs --follow): why not.</summary>
    public string? StdinUnavailable { get; init; }

    public bool Tty { get; }

    public bool StdinOnce { get; }

    /// <summary>The container's stdin while it is open: null when it has none, or once it was closed.</summary>
    public Stream? Input
    {
        get { lock (_gate) return _input; }
    }

    /// <summary>Completes when the container's output has ended (it is gone).</summary>
    public Task Ended => _ended.Task;

    /// <summary>A client's view of the output from now on; dispose it to detach.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            if (_closed) channel.Writer.TryComplete();
            else _clients.Add(channel);
        }
        return new Subscription(this, channel);
    }

    /// <summary>Output of the container (<paramref name="stderr"/>: from its stderr, where the runtime tells it apart).</summary>
    public void Publish(ReadOnlySpan<byte> data, bool stderr = false)
    {
        lock (_gate)
        {
            if (_clients.Count == 0) return;
            var chunk = new OutputChunk(data.ToArray(), stderr);
            foreach (var client in _clients) client.Writer.TryWrite(chunk);
        }
    }

    /// <summary>The output has ended: every client's view ends, and the input is let go.</summary>
    public void Complete()
    {
        List<Channel<OutputChunk>> clients;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            clients = [.. _clients];
            _clients.Clear();
        }
        // Ended first: a client whose view ends must find the container ended, not merely its view.
        _ended.TrySetResult();
        foreach (var client in clients) client.Writer.TryComplete();
        CloseInput();
        _closeInput?.Invoke();
    }

    public void Resize(ushort columns, ushort rows)
    {
        lock (_gate)
        {
            if (!_closed) _resize?.Invoke(columns, rows);
        }
    }

    /// <summary>An attach that wrote to stdin has ended: with stdinOnce, the container reads its end (k8s: "stdin is
    /// closed after the first attach session ends").</summary>
    public void AttachEnded(bool usedStdin)
    {
        if (usedStdin && StdinOnce) CloseInput();
    }

    private void CloseInput()
    {
        Stream? input;
        lock (_gate)
        {
            input = _input;
            _input = null;
        }
        try { input?.Dispose(); }
        catch (IOException) { /* the reader is gone already */ }
    }

    /// <summary>Wraps the log's handler: what the container writes goes to the log and to the attached clients.</summary>
    public IOutputHandler Tee(IOutputHandler log) => new TeeHandler(log, this);

    public sealed record OutputChunk(byte[] Data, bool Stderr);

    public sealed class Subscription(ContainerStreams streams, Channel<OutputChunk> channel) : IDisposable
    {
        public ChannelReader<OutputChunk> Output => channel.Reader;

        public void Dispose()
        {
            lock (streams._gate) streams._clients.Remove(channel);
            channel.Writer.TryComplete();
        }
    }

    private sealed class TeeHandler(IOutputHandler log, ContainerStreams streams) : IOutputHandler
    {
        public void OnData(ReadOnlySpan<byte> data)
        {
            streams.Publish(data);
            log.OnData(data);
        }

        public void OnClosed()
        {
            streams.Complete();
            log.OnClosed();
        }

        public void OnIdle() => log.OnIdle();
    }
}
