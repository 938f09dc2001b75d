using System.Buffers;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Writes one container instance's output to its log as CRI records (<see cref="CriLogRecord"/>): one record per
/// line of at most 16 KiB (<see cref="LogLineSplitter"/>), stamped with the time it was read, each written whole in
/// one write, so that rotation (<see cref="RotatingLogWriter"/>) never splits a record across files. Memory stays
/// bounded whatever the container writes: the line being read, at most 16 KiB + 1 bytes, and one record while it is
/// written. Not thread-safe: one writer per instance (the output pump).
/// </summary>
public sealed class CriLogWriter : IDisposable
{
    private readonly RotatingLogWriter _file;
    private readonly TimeProvider _time;
    private readonly ReadOnlySpanAction<byte, bool>? _written;
    private readonly Action<int, IOException>? _failed;
    private readonly Action? _stored;
    private readonly LogLineSplitter _lines;

    /// <param name="file">the instance's log; disposed with this writer</param>
    /// <param name="written">also receives each record's content and whether it is partial once it is written (the
    /// console shows the same pieces); the span is only valid during the call</param>
    /// <param name="failed">told of a record the file did not take (a full disk: its size and why); the output goes on
    /// (to <paramref name="written"/> too). Without it, the write's exception is thrown.</param>
    /// <param name="stored">told of every record the file took</param>
    public CriLogWriter(RotatingLogWriter file, TimeProvider time, ReadOnlySpanAction<byte, bool>? written = null,
        Action<int, IOException>? failed = null, Action? stored = null)
    {
        _file = file;
        _time = time;
        _written = written;
        _failed = failed;
        _stored = stored;
        _lines = new LogLineSplitter(WriteRecord);
    }

    /// <summary>Output as the container wrote it, cut anywhere.</summary>
    public void Write(ReadOnlySpan<byte> output) => _lines.Write(output);

    /// <summary>The output has ended: a last line without its line end is written as a partial record.</summary>
    public void Complete() => _lines.Complete();

    /// <summary>Closes the log file until the next record (a quiet container holds no descriptor for it); a line
    /// not yet ended stays buffered here.</summary>
    public void Release() => _file.Release();

    public void Dispose() => _file.Dispose();

    private void WriteRecord(ReadOnlySpan<byte> content, bool partial)
    {
        var record = ArrayPool<byte>.Shared.Rent(CriLogRecord.HeaderBytes + content.Length + 1);
        try
        {
            // The container's stdout and stderr are one pipe (ProcessSpawner dup2s it onto fds 1 and 2, which keeps
            // their lines in order), so the daemon cannot tell them apart: the merged stream is recorded as stdout,
            // which is where kubelet would print it.
            var length = CriLogRecord.Format(record, _time.GetUtcNow(), LogStream.Stdout, partial, content);
            try
            {
                _file.Write(record.AsSpan(0, length));
                _stored?.Invoke();
            }
            catch (IOException e) when (_failed is not null)
            {
                _failed(length, e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
        _written?.Invoke(content, partial);
    }
}
