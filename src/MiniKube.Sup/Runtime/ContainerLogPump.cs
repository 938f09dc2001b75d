using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Runtime;

/// <summary>Copies a container's output to its log file as it comes (rotated by size, see
/// <see cref="RotatingLogWriter"/>), and line by line to the console sink.</summary>
internal sealed class ContainerLogPump : IOutputHandler
{
    private readonly RotatingLogWriter _log;
    private readonly IContainerOutput _output;
    private readonly ContainerLogLosses? _losses;
    private readonly string _pod;
    private readonly string _container;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private char[] _chars = new char[4096];

    /// <param name="rotation">size and count limits of the log; <see cref="LogRotationOptions.Default"/> (10 MiB × 5)
    /// when null</param>
    /// <param name="losses">where output that cannot be written to the log file is reported</param>
    public ContainerLogPump(string logPath, IContainerOutput output, string pod, string container, LogRotationOptions? rotation = null,
        ContainerLogLosses? losses = null)
    {
        _log = new RotatingLogWriter(logPath, rotation);
        _output = output;
        _losses = losses;
        _pod = pod;
        _container = container;
    }

    public Task Closed => _closed.Task;

    public void OnData(ReadOnlySpan<byte> data)
    {
        try
        {
            _log.Write(data);
            _losses?.Written();
        }
        catch (IOException e)
        {
            // A full disk loses the log file's copy, not the console's, and is said (rate-limited) in the daemon's log.
            _losses?.Lost(_pod, _container, data.Length, e.Message);
        }
        var needed = _decoder.GetCharCount(data, flush: false);
        if (needed > _chars.Length) _chars = new char[needed];
        var count = _decoder.GetChars(data, _chars, flush: false);
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            if (_chars[i] != '\n') continue;
            _pending.Append(_chars, start, i - start);
            EmitLine();
            start = i + 1;
        }
        _pending.Append(_chars, start, count - start);
    }

    public void OnClosed()
    {
        if (_pending.Length > 0) EmitLine();
        _log.Dispose();
        _closed.TrySetResult();
    }

    private void EmitLine()
    {
        if (_pending.Length > 0 && _pending[^1] == '\r') _pending.Length--;
        _output.WriteLine(_pod, _container, _pending.ToString());
        _pending.Clear();
    }
}
