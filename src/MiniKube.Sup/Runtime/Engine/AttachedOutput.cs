using CliWrap;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// A container's stdout and stderr as the engine's attach gives them (two streams), into one log pump. The log is
/// one stream of lines, as a host container's is (its stdout and stderr share one pipe), so each stream's bytes go in
/// whole lines: a line half written on one stream is held until its end comes, and never cut by the other's lines.
/// kubectl attach gets each stream's bytes as they come, stdout and stderr apart (<see cref="ContainerStreams"/>).
/// </summary>
internal sealed class AttachedOutput(IOutputHandler pump, ContainerStreams streams)
{
    /// <summary>A line longer than this is written in pieces (the log cuts such lines into records anyway).</summary>
    private const int MaxHeld = 64 * 1024;

    private readonly Lock _gate = new();

    public PipeTarget Stream(bool stderr) => PipeTarget.Create(async (stream, cancellationToken) =>
    {
        var buffer = new byte[16 * 1024];
        var held = new MemoryStream();
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var data = buffer.AsSpan(0, read);
            streams.Publish(data, stderr);
            var end = data.LastIndexOf((byte)'\n');
            if (end < 0)
            {
                held.Write(data);
                if (held.Length >= MaxHeld) Flush(held, []);
                continue;
            }
            Flush(held, data[..(end + 1)]);
            held.Write(data[(end + 1)..]);
        }
        if (held.Length > 0) Flush(held, "\n"u8);
    });

    /// <summary>Both streams have ended.</summary>
    public void Complete()
    {
        streams.Complete();
        lock (_gate) pump.OnClosed();
    }

    private void Flush(MemoryStream held, ReadOnlySpan<byte> lines)
    {
        lock (_gate)
        {
            if (held.Length > 0) pump.OnData(held.GetBuffer().AsSpan(0, (int)held.Length));
            if (!lines.IsEmpty) pump.OnData(lines);
        }
        held.SetLength(0);
    }
}
