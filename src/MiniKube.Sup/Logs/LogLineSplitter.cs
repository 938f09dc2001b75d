using System.Buffers;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Cuts what a container writes into lines of at most <see cref="CriLogRecord.MaxContentBytes"/>, the way
/// containerd's CRI logger does (<c>internal/cri/io/logger.go</c> redirectLogs): a line ends at <c>\n</c>, and the
/// <c>\r</c> of a <c>\r\n</c> end is dropped; any other <c>\r</c> is content (a progress bar's redraws stay in its
/// line, as kubelet keeps them). A line longer than the limit goes out as partial pieces of exactly the limit and a
/// last full piece (a line of exactly the limit is one full piece), and what is left when the output ends is a
/// partial piece. However much a container writes without a line end, at most limit + 1 bytes wait here.
/// </summary>
/// <remarks>Bytes, not characters: the output need not be UTF-8, and a multi-byte character cut at the limit is
/// whole again when a reader joins the pieces (the log's text is the pieces' bytes end to end).</remarks>
internal sealed class LogLineSplitter
{
    private readonly int _max;
    private readonly ReadOnlySpanAction<byte, bool> _line;
    // The line so far. It holds one byte past the limit before a partial piece goes out: only the next byte tells
    // whether a '\r' there is content or the start of a "\r\n" line end (which would make the line exactly fit).
    private byte[] _pending = [];
    private int _length;

    /// <param name="line">receives each piece (content without its line end) and whether it is partial; the span is
    /// only valid during the call</param>
    public LogLineSplitter(ReadOnlySpanAction<byte, bool> line, int maxLineBytes = CriLogRecord.MaxContentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _line = line;
        _max = maxLineBytes;
    }

    /// <summary>Bytes waiting for the rest of their line.</summary>
    public int Pending => _length;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data);
                return;
            }
            if (_length == 0)
            {
                Emit(data[..newline]); // the whole line is here: no copy
            }
            else
            {
                Append(data[..newline]);
                var line = _pending.AsSpan(0, _length);
                _length = 0;
                Emit(line);
            }
            data = data[(newline + 1)..];
        }
    }

    /// <summary>The output has ended: a line left without its end goes out as partial (containerd does the same).</summary>
    public void Complete()
    {
        if (_length == 0) return;
        var rest = _pending.AsSpan(0, _length);
        _length = 0;
        while (!rest.IsEmpty)
        {
            var piece = rest[..Math.Min(rest.Length, _max)];
            rest = rest[piece.Length..];
            _line(piece, true);
        }
    }

    /// <summary>Adds bytes of a line that has not ended (they hold no '\n').</summary>
    private void Append(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            if (_length == _max + 1)
            {
                // More of the line follows the byte past the limit: the first _max bytes are a partial piece.
                _line(_pending.AsSpan(0, _max), true);
                _pending[0] = _pending[_max];
                _length = 1;
            }
            if (_length == 0 && text.Length > _max + 1)
            {
                _line(text[.._max], true); // no copy while the text runs past the limit
                text = text[_max..];
                continue;
            }
            var take = Math.Min(text.Length, _max + 1 - _length);
            if (_pending.Length < _length + take)
                Array.Resize(ref _pending, Math.Min(_max + 1, Math.Max(_length + take, Math.Max(256, _pending.Length * 2))));
            text[..take].CopyTo(_pending.AsSpan(_length));
            _length += take;
            text = text[take..];
        }
    }

    /// <summary>A line that has ended: partial pieces of the limit while it is longer, then the full rest.</summary>
    private void Emit(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == '\r') line = line[..^1]; // containerd's readLine drops the '\r' of "\r\n"
        while (line.Length > _max)
        {
            _line(line[.._max], true);
            line = line[_max..];
        }
        _line(line, false);
    }
}
