using System.Runtime.CompilerServices;
using System.Text;

namespace MiniKube.Sup.Logs;

/// <summary>
/// Reads a container instance's log (<c>N.log</c> and its rotated parts, see <see cref="LogLocator"/>) whole, by its
/// last lines, or following it as it grows.
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
/// </remarks>
public static class LogReader
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(100);

    private const int BufferSize = 64 * 1024;

    /// <summary>The whole log of one instance: rotated parts oldest first, then the current file. Empty when there
    /// is none.</summary>
    public static byte[] ReadAll(string dir, int restartCount)
    {
        var chain = OpenChain(dir, restartCount);
        try
        {
            var output = new MemoryStream();
            for (var i = chain.Count - 1; i >= 0; i--) chain[i].Stream.CopyTo(output);
            return output.ToArray();
        }
        finally
        {
            foreach (var part in chain) part.Stream.Dispose();
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of one instance's log (across rotated parts), without their
    /// line ends; a last line without a newline counts as a line.</summary>
    public static IReadOnlyList<string> Tail(string dir, int restartCount, int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        if (lines == 0) return [];
        var chain = OpenChain(dir, restartCount);
        try
        {
            // Read backwards, newest part first, until there are more newlines than lines wanted.
            var blocks = new List<byte[]>();
            var newlines = 0;
            foreach (var (stream, _) in chain)
            {
                var position = stream.Length;
                while (position > 0 && newlines <= lines)
                {
                    var size = (int)Math.Min(BufferSize, position);
                    position -= size;
                    var block = new byte[size];
                    stream.Position = position;
                    stream.ReadExactly(block);
                    blocks.Add(block);
                    newlines += block.AsSpan().Count((byte)'\n');
                }
                if (newlines > lines) break;
            }
            blocks.Reverse();
            var text = Encoding.UTF8.GetString(blocks.SelectMany(b => b).ToArray());
            var all = text.Split('\n');
            var count = text.EndsWith('\n') ? all.Length - 1 : all.Length;
            if (text.Length == 0) count = 0;
            return all.Take(count).Skip(Math.Max(0, count - lines)).Select(l => l.TrimEnd('\r')).ToList();
        }
        finally
        {
            foreach (var part in chain) part.Stream.Dispose();
        }
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
    /// <returns>chunks of bytes as they were read (not split at line ends); each chunk is a fresh array</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> FollowAsync(
        string dir, int restartCount, Func<bool> instanceFinished, TimeProvider time, TimeSpan pollInterval,
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
                    (current, identity) = Keep(chain, chain.Count - 1); // the oldest part
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
