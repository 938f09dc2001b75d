using System.Buffers;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Turns the bytes of a CRI log, read in chunks cut anywhere, into its text as the API server serves a pod's log
/// (kubelet ReadLogs): each record's content, a partial (P) record running on into the next one and a full (F)
/// record ending its line with <c>\n</c>. A line that is not a record, or is longer than any record
/// (<see cref="MaxRecordBytes"/>), is skipped, as kubelet skips a line it cannot parse. However long a line, at most
/// one record is held here.
/// </summary>
internal sealed class CriTextDecoder(LogTextOptions? options = null)
{
    private readonly LogTextOptions _options = options ?? LogTextOptions.Default;
    private bool _midLine;   // the last record was partial: the next one continues its line
    private bool _dropLine;  // the line being read was written before Since
    /// <summary>The longest record (without its line end) read: the longest header and 16 KiB of content.</summary>
    public const int MaxRecordBytes = CriLogRecord.MaxHeaderBytes + CriLogRecord.MaxContentBytes;

    private byte[] _pending = [];
    private int _length;
    private bool _skipping; // inside a line too long to be a record: dropped up to its '\n'

    /// <summary>Appends to <paramref name="text"/> the text of the records that <paramref name="log"/> completes.</summary>
    public void Decode(ReadOnlySpan<byte> log, IBufferWriter<byte> text)
    {
        while (!log.IsEmpty)
        {
            var newline = log.IndexOf((byte)'\n');
            var part = newline < 0 ? log : log[..newline];
            log = newline < 0 ? default : log[(newline + 1)..];
            if (_skipping)
            {
                _skipping = newline < 0;
                continue;
            }
            if (_length + part.Length > MaxRecordBytes)
            {
                _length = 0;
                _skipping = newline < 0;
                continue;
            }
            if (_length == 0 && newline >= 0)
            {
                Record(part, text, ended: true); // the whole record is here: no copy
                continue;
            }
            if (_pending.Length < _length + part.Length)
                Array.Resize(ref _pending, Math.Min(MaxRecordBytes, Math.Max(_length + part.Length, Math.Max(256, _pending.Length * 2))));
            part.CopyTo(_pending.AsSpan(_length));
            _length += part.Length;
            if (newline < 0) continue;
            Record(_pending.AsSpan(0, _length), text, ended: true);
            _length = 0;
        }
    }

    /// <summary>The end of a file: a last record without its line end (being written, or cut short by a crash) is
    /// read as it is, as kubelet reads an incomplete last line; without its line end, it ends no line.</summary>
    public void EndOfFile(IBufferWriter<byte> text)
    {
        if (_length > 0 && !_skipping) Record(_pending.AsSpan(0, _length), text, ended: false);
        _length = 0;
        _skipping = false;
    }

    private void Record(ReadOnlySpan<byte> record, IBufferWriter<byte> text, bool ended)
    {
        if (!CriLogRecord.TryParseHeader(record, out var time, out _, out var partial, out var contentStart)) return;
        if (!_midLine)
        {
            // A line is kept or dropped, and stamped, by its first record (the kubelet's time of the line).
            _dropLine = _options.Since is { } since && time < since;
            if (!_dropLine && _options.Timestamps)
            {
                var stamp = record[..record.IndexOf((byte)' ')];
                text.Write(stamp);
                text.Write(" "u8);
            }
        }
        _midLine = partial;
        if (_dropLine) return;
        text.Write(record[contentStart..]);
        if (ended && !partial) text.Write("\n"u8);
    }
}
