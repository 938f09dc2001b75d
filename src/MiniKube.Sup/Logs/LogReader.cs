using System.Buffers;
using System.Runtime.CompilerServices;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Reads a container instance's log (<c>N.log</c> and its rotated parts, see <see cref="LogLocator"/>): its text
/// (<see cref="CriTextDecoder"/>) whole, from where its last lines begin (<see cref="CriTail"/>), or followed as it
/// grows; or its bytes, followed.
/// </summary>
/// <remarks>
/// Following polls (through an injected <see cref="TimeProvider"/>) rather than using FileSystemWatcher: every
/// watcher costs an inotify instance (128 per user by default, shared with everything else on the host), inotify
/// can overflow and drop events, and an event still has to be followed by a read and a rotation check — the very
/// work a poll does. A poll every 100 ms of an open file costs one read and one statx, is bounded however many
/// followers there are, and is deterministic under a fake clock.
/// Rotation is detected by identity, not by name: the writer closes a file before renaming it, so once the inode
/// at <c>N.log</c> differs from the one being read, that file is complete; the reader drains it and moves on to
/// its successor, found by inode among the rotated parts (several rotations between two polls are followed part by
/// part, so every byte is delivered exactly once, unless a part was deleted by the MaxFiles limit before it was
/// read). A file that shrinks under the reader (truncated in place) is read again from its start.
/// Memory is bounded whatever the log holds: text is produced a block at a time, and no more than one record is
/// held to join it (a line of many partial records is streamed, not gathered).
/// </remarks>
public static class LogReader
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(100);

    private const int BufferSize = 64 * 1024;

    /// <summary>The text of one instance's log, all of it or its last <paramref name="tailLines"/> lines (a line
    /// written as several partial records counts once; a last line not ended yet counts too): rotated parts oldest
    /// first, then the current file; in chunks, each a fresh array. Nothing when there is no log.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> ReadText(string dir, int restartCount, int? tailLines = null, LogTextOptions? options = null)
    {
        if (tailLines is < 0) throw new ArgumentOutOfRangeException(nameof(tailLines), tailLines, "must not be negative");
        var chain = OpenChain(dir, restartCount);
        try
        {
            if (chain.Count == 0) yield break;
            var (first, offset) = tailLines is { } lines ? CriTail.Start(chain.ConvertAll(p => (Stream)p.Stream), lines) : (chain.Count - 1, 0L);
            var decoder = new CriTextDecoder(options);
            var text = new ArrayBufferWriter<byte>(BufferSize);
            var buffer = new byte[BufferSize];
            for (var i = first; i >= 0; i--)
            {
                var stream = chain[i].Stream;
                stream.Position = i == first ? offset : 0;
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    decoder.Decode(buffer.AsSpan(0, read), text);
                    if (TakeText(text) is { } chunk) yield return chunk;
                }
                decoder.EndOfFile(text); // a record never spans two files
                if (TakeText(text) is { } last) yield return last;
            }
        }
        finally
        {
            foreach (var part in chain) part.Stream.Dispose();
        }
    }

    /// <summary>Where the last <paramref name="lines"/> lines of one instance's log begin (see
    /// <see cref="ReadText"/>), for <see cref="FollowTextAsync(string, int, LogPosition?, Func{bool}, CancellationToken)"/>;
    /// null when there is no log.</summary>
    public static LogPosition? TailPosition(string dir, int restartCount, int lines)
    {
        var chain = OpenChain(dir, restartCount);
        try
        {
            if (chain.Count == 0) return null;
            var (file, offset) = CriTail.Start(chain.ConvertAll(p => (Stream)p.Stream), lines);
            return chain[file].Identity is { } identity ? new LogPosition(identity, offset) : null;
        }
        finally
        {
            foreach (var part in chain) part.Stream.Dispose();
        }
    }

    /// <inheritdoc cref="FollowTextAsync(string, int, LogPosition?, Func{bool}, TimeProvider, TimeSpan, CancellationToken)"/>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> FollowTextAsync(
        string dir, int restartCount, LogPosition? from, Func<bool> instanceFinished, CancellationToken cancellationToken = default, LogTextOptions? options = null) =>
        FollowTextAsync(dir, restartCount, from, instanceFinished, TimeProvider.System, DefaultPollInterval, cancellationToken, options);

    /// <summary>The text of one instance's log from <paramref name="from"/> (from its start when null, or when that
    /// file is gone), then what is appended to it, across rotations, until the instance has finished and everything
    /// is read (see <see cref="FollowAsync(string, int, Func{bool}, TimeProvider, TimeSpan, CancellationToken)"/>).</summary>
    /// <returns>chunks of text as they were read, each a fresh array</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> FollowTextAsync(
        string dir, int restartCount, LogPosition? from, Func<bool> instanceFinished, TimeProvider time, TimeSpan pollInterval,
        [EnumeratorCancellation] CancellationToken cancellationToken = default, LogTextOptions? options = null)
    {
        var decoder = new CriTextDecoder(options);
        var text = new ArrayBufferWriter<byte>(BufferSize);
        await foreach (var chunk in FollowFromAsync(dir, restartCount, from, instanceFinished, time, pollInterval, cancellationToken).ConfigureAwait(false))
        {
            decoder.Decode(chunk.Span, text);
            if (TakeText(text) is { } decoded) yield return decoded;
        }
        decoder.EndOfFile(text);
        if (TakeText(text) is { } last) yield return last;
    }

    private static ReadOnlyMemory<byte>? TakeText(ArrayBufferWriter<byte> text)
    {
        if (text.WrittenCount == 0) return null;
        var chunk = text.WrittenSpan.ToArray();
        text.ResetWrittenCount();
        return chunk;
    }

    /// <inheritdoc cref="FollowAsync(string, int, Func{bool}, TimeProvider, TimeSpan, CancellationToken)"/>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> FollowAsync(
        string dir, int restartCount, Func<bool> instanceFinished, CancellationToken cancellationToken = default) =>
        FollowAsync(dir, restartCount, instanceFinished, TimeProvider.System, DefaultPollInterval, cancellationToken);

    /// <summary>
    /// The whole log of one instance (rotated parts oldest first, then the current file), then what is appended to
    /// it as it is written, across rotations, until the instance has finished and everything is read.
    /// </summary>
    /// <param name="instanceFinished">true once the writer is closed for good (the output pump has drained, e.g.
    /// <c>IContainerInstance.OutputDrained</c> completed), not merely when the main process exited: output still in
    /// the pipe would be missed</param>
    /// <returns>the files' bytes as they were read (not split at line ends); each chunk is a fresh array</returns>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> FollowAsync(
        string dir, int restartCount, Func<bool> instanceFinished, TimeProvider time, TimeSpan pollInterval,
        CancellationToken cancellationToken = default) =>
        FollowFromAsync(dir, restartCount, null, instanceFinished, time, pollInterval, cancellationToken);

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> FollowFromAsync(
        string dir, int restartCount, LogPosition? from, Func<bool> instanceFinished, TimeProvider time, TimeSpan pollInterval,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = LogLocator.CurrentFile(dir, restartCount);
        var buffer = new byte[BufferSize];
        FileStream? current = null;
        (ulong, ulong)? identity = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Sampled before reading: if the writer was done by now, the reads below see all it wrote.
                var finished = instanceFinished();
                if (current is null)
                {
                    var chain = OpenChain(dir, restartCount);
                    if (chain.Count == 0)
                    {
                        if (finished) yield break;
                        await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var start = from is { } f ? chain.FindIndex(p => p.Identity == f.File) : -1;
                    (current, identity) = Keep(chain, start >= 0 ? start : chain.Count - 1); // else the oldest part
                    if (start >= 0 && from!.Value.Offset <= current.Length) current.Position = from.Value.Offset;
                }

                if (current.Length < current.Position) current.Position = 0; // truncated in place
                int read;
                while ((read = current.Read(buffer)) > 0) yield return buffer.AsMemory(0, read).ToArray();

                var atPath = LogFileIdentity.Of(path);
                if (atPath is not null && atPath == identity)
                {
                    if (current.Length < current.Position) continue;
                    if (finished) yield break;
                    await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Our file was rotated away (or deleted): the writer closed it first, so what is left is complete.
                while ((read = current.Read(buffer)) > 0) yield return buffer.AsMemory(0, read).ToArray();
                var parts = OpenChain(dir, restartCount);
                var index = parts.FindIndex(p => p.Identity == identity);
                var next = index < 0 ? parts.Count - 1 : index - 1;
                if (next < 0)
                {
                    // No newer file yet (between the rename and the new N.log), or none will come.
                    foreach (var part in parts) part.Stream.Dispose();
                    if (finished) yield break;
                    await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                current.Dispose();
                (current, identity) = Keep(parts, next);
            }
        }
        finally
        {
            current?.Dispose();
        }
    }

    private static (FileStream, (ulong, ulong)?) Keep(List<(FileStream Stream, (ulong, ulong)? Identity)> parts, int keep)
    {
        for (var i = 0; i < parts.Count; i++)
            if (i != keep) parts[i].Stream.Dispose();
        return parts[keep];
    }

    /// <summary>
    /// Opens every file of one instance's log, newest first (N.log, N.log.1, N.log.2, …), without duplicates. Parts
    /// only ever move to older names, and they are opened in that direction, so a rotation during the listing can
    /// make a file appear twice (dropped by identity) but not change the order or skip one that still exists.
    /// </summary>
    private static List<(FileStream Stream, (ulong, ulong)? Identity)> OpenChain(string dir, int restartCount)
    {
        var parts = new List<(FileStream, (ulong, ulong)?)>();
        var seen = new HashSet<(ulong, ulong)>();
        TryAdd(LogLocator.CurrentFile(dir, restartCount));
        for (var i = 1; TryAdd(LogLocator.RotatedFile(dir, restartCount, i)) || File.Exists(LogLocator.RotatedFile(dir, restartCount, i + 1)); i++) { }
        return parts;

        bool TryAdd(string file)
        {
            FileStream stream;
            try { stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0); }
            catch (FileNotFoundException) { return false; }
            catch (DirectoryNotFoundException) { return false; }
            var identity = LogFileIdentity.Of(stream.SafeFileHandle);
            if (identity is { } id && !seen.Add(id))
            {
                stream.Dispose();
                return true;
            }
            parts.Add((stream, identity));
            return true;
        }
    }
}
