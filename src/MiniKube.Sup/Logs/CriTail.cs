namespace MiniKube.Sup.Logs;

/// <summary>
/// Finds where the last N lines of a CRI log begin, reading its files backwards from the end (a tail of a big log
/// reads only what it returns, plus one block). Lines are the text's lines, as the reader of
/// <c>kubectl logs --tail</c> sees them: a line written as several partial (P) records and a last full (F) one counts
/// once, and a last line that has not ended yet (P records at the end) counts as a line. (kubelet counts the
/// records in the file instead, so there a tail can begin inside a long line; joining them is what a reader expects.)
/// </summary>
internal static class CriTail
{
    private const int BlockSize = 64 * 1024;

    private enum Tag { None, Partial, Full }

    /// <summary>Where the last <paramref name="lines"/> lines begin: a file (index into <paramref name="files"/>) and
    /// the offset of a record in it. The whole log when it has no more lines; its end when <paramref name="lines"/>
    /// is 0.</summary>
    /// <param name="files">the log's files, newest first (a record never spans two)</param>
    public static (int File, long Offset) Start(IReadOnlyList<Stream> files, int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        if (files.Count == 0) return (0, 0);
        var after = (File: 0, Offset: files[0].Length); // the start of the record after the one being looked at
        if (lines == 0) return after;
        var counted = 0;
        var open = false; // records seen since the last line end found (going backwards): a line to count
        for (var f = 0; f < files.Count; f++)
        {
            var found = (File: -1, Offset: 0L);
            var file = f;
            ScanBackwards(files[f], (start, tag) =>
            {
                if (tag == Tag.Full)
                {
                    // This record ends a line; the records after it make up the next line, now counted.
                    if (open && ++counted == lines)
                    {
                        found = after;
                        return true;
                    }
                    open = true;
                }
                else if (tag == Tag.Partial)
                {
                    open = true;
                }
                after = (file, start);
                return false;
            });
            if (found.File >= 0) return found;
        }
        return (files.Count - 1, 0);
    }

    /// <summary>The time of the last record of a log (a daemon that adopts a container reads on from there); null
    /// when it has none.</summary>
    /// <param name="files">the log's files, newest first</param>
    public static DateTimeOffset? LastTime(IReadOnlyList<Stream> files)
    {
        foreach (var file in files)
        {
            DateTimeOffset? found = null;
            ScanBackwards(file, (start, tag) =>
            {
                var header = new byte[CriLogRecord.MaxHeaderBytes];
                file.Position = start;
                var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
                if (CriLogRecord.TryParseHeader(header.AsSpan(0, read), out var time, out _, out _, out _)) found = time;
                return found is not null;
            });
            if (found is not null) return found;
        }
        return null;
    }

    /// <summary>The time of the last record of instance log <paramref name="currentFile"/> (N.log, then N.log.1).</summary>
    public static DateTimeOffset? LastTime(string currentFile)
    {
        var streams = new List<Stream>();
        try
        {
            foreach (var path in new[] { currentFile, currentFile + ".1" })
            {
                try { streams.Add(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)); }
                catch (FileNotFoundException) { }
            }
            return LastTime(streams);
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }

    /// <summary>Calls <paramref name="visit"/> with the offset and tag of each record of <paramref name="file"/>, last
    /// first, until it returns true. A record starts at the file's start and after each '\n' (but the last).</summary>
    private static void ScanBackwards(Stream file, Func<long, Tag, bool> visit)
    {
        var length = file.Length;
        var position = length;
        var window = new byte[BlockSize + CriLogRecord.MaxHeaderBytes];
        // The first bytes of the block read before (the one after this in the file): appended to each block, so that
        // the header of a record that starts near the end of a block is whole.
        var carry = new byte[CriLogRecord.MaxHeaderBytes];
        var carried = 0;
        while (position > 0)
        {
            var size = (int)Math.Min(BlockSize, position);
            position -= size;
            file.Position = position;
            file.ReadExactly(window.AsSpan(0, size));
            carry.AsSpan(0, carried).CopyTo(window.AsSpan(size));
            var data = window.AsSpan(0, size + carried);
            for (var end = size; ;)
            {
                var newline = data[..end].LastIndexOf((byte)'\n');
                if (newline < 0 && position > 0) break; // this record starts in an earlier block: found with it
                var start = newline + 1;
                if (position + start < length && visit(position + start, TagOf(data[start..]))) return;
                if (newline < 0) break;
                end = newline;
            }
            carried = Math.Min(carry.Length, data.Length);
            data[..carried].CopyTo(carry);
        }
    }

    private static Tag TagOf(ReadOnlySpan<byte> record)
    {
        var newline = record.IndexOf((byte)'\n');
        if (newline >= 0) record = record[..newline];
        return CriLogRecord.TryParseHeader(record, out _, out _, out var partial, out _) ? partial ? Tag.Partial : Tag.Full : Tag.None;
    }
}
