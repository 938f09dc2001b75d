using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Runtime;

/// <summary>Copies a container's output to its log file as CRI records (<see cref="CriLogWriter"/>: lines of at most
/// 16 KiB, rotated by size) and each record as one line to the console sink.</summary>
internal sealed class ContainerLogPump : IOutputHandler
{
    private readonly CriLogWriter _log;
    private readonly IContainerOutput _output;
    private readonly string _pod;
    private readonly string _container;
    private readonly string _namespace;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private char[] _chars = [];

    /// <param name="rotation">size and count limits of the log; <see cref="LogRotationOptions.Default"/> (10 MiB × 5)
    /// when null</param>
    /// <param name="time">stamps the log's records; the system clock when null</param>
    /// <param name="losses">where output that cannot be written to the log file is reported</param>
    /// <param name="namespace">the pod's namespace, for the console sink</param>
    public ContainerLogPump(string logPath, IContainerOutput output, string pod, string container, LogRotationOptions? rotation = null,
        TimeProvider? time = null, ContainerLogLosses? losses = null, string @namespace = "default")
    {
        // A full disk loses the log file's copy, not the console's, and is said (rate-limited) in the daemon's log.
        _log = new CriLogWriter(new RotatingLogWriter(logPath, rotation), time ?? TimeProvider.System, ToConsole,
            losses is null ? null : (bytes, e) => losses.Lost(pod, container, bytes, e.Message),
            losses is null ? null : losses.Written);
        _output = output;
        _pod = pod;
        _container = container;
        _namespace = @namespace;
    }

    public Task Closed => _closed.Task;

    public void OnData(ReadOnlySpan<byte> data) => _log.Write(data);

    /// <summary>A quiet container's log file is closed until it writes again.</summary>
    public void OnIdle() => _log.Release();

    public void OnClosed()
    {
        try
        {
            _log.Complete();
        }
        finally
        {
            _log.Dispose();
            _closed.TrySetResult();
        }
    }

    /// <summary>Each record is a console line: a line longer than 16 KiB shows as pieces, as in the log, so the
    /// console holds no more than a record either. A character cut at a piece's end is decoded whole at the start of
    /// the next piece (the decoder keeps its first bytes until the line ends).</summary>
    private void ToConsole(ReadOnlySpan<byte> content, bool partial)
    {
        var flush = !partial;
        var needed = _decoder.GetCharCount(content, flush);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, Math.Min(2 * _chars.Length, CriLogRecord.MaxContentBytes + 4))];
        var count = _decoder.GetChars(content, _chars, flush);
        _output.WriteLine(_namespace, _pod, _container, new string(_chars, 0, count));
    }
}
