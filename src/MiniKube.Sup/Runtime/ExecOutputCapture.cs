using System.Text;

namespace MiniKube.Sup.Runtime;

/// <summary>Keeps the first 10 KiB a command run in a container writes and drops the rest (k8s: the exec prober
/// reads at most maxReadLength, 10 KiB; nothing needs more of an exec's output).</summary>
internal sealed class ExecOutputCapture : IOutputHandler
{
    public const int Limit = 10 * 1024;

    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[Limit];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _length;

    public Task Closed => _closed.Task;

    public string Text
    {
        get
        {
            lock (_gate) return Encoding.UTF8.GetString(_buffer, 0, _length);
        }
    }

    public void OnData(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var n = Math.Min(data.Length, Limit - _length);
            data[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
        }
    }

    public void OnClosed() => _closed.TrySetResult();
}
