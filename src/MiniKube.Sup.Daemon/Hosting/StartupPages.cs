using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// Gives back the pages of the executable and its libraries that only start-up read. A NativeAOT start reads its
/// whole compressed data blob to rehydrate it and runs the host's, Kestrel's and the manifest loader's one-off code:
/// ~30 MiB of sup-daemon's file stay mapped, of which a running daemon touches ~2 MiB. They are clean file pages:
/// madvise(MADV_DONTNEED) unmaps them from this process (they stay in the page cache), and a page that is needed
/// again is mapped again by its next access, as the kernel's own reclaim would have it.
/// </summary>
/// <remarks>Only private, read-only mappings of files that hold no page of their own (no copy-on-write page:
/// "Anonymous: 0"): for them MADV_DONTNEED loses nothing. Writable mappings (the image's data, the relocated
/// RELRO) and shared ones are left alone.</remarks>
internal static partial class StartupPages
{
    private const int MadvDontNeed = 4;

    /// <summary>The mappings that <see cref="Release"/> would drop now, with what each has resident.</summary>
    public static IReadOnlyList<Mapping> Find() => CleanFileMappings(File.ReadLines("/proc/self/smaps"));

    /// <summary>Unmaps the clean file pages of the mappings found (the process's own, from <see cref="Find"/>), and
    /// gives the C heap's free pages back (glibc's malloc_trim: SQLite's and OpenSSL's start-up buffers).</summary>
    public static void Release(IReadOnlyList<Mapping> mappings)
    {
        foreach (var mapping in mappings) _ = madvise((nint)mapping.Start, (nuint)(mapping.End - mapping.Start), MadvDontNeed);
        _ = malloc_trim(0);
    }

    /// <summary>The mappings of /proc/PID/smaps text that <see cref="Release"/> may drop.</summary>
    public static IReadOnlyList<Mapping> CleanFileMappings(IEnumerable<string> smaps)
    {
        var found = new List<Mapping>();
        Mapping? current = null;
        var candidate = false;
        foreach (var line in smaps)
        {
            if (Header(line) is { } header)
            {
                if (current is { } done && candidate) found.Add(done);
                current = header.Mapping;
                candidate = header.Candidate;
            }
            else if (current is { } mapping && candidate)
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal)) current = mapping with { ResidentBytes = Kibibytes(line) * 1024 };
                else if (line.StartsWith("Anonymous:", StringComparison.Ordinal) && Kibibytes(line) != 0) candidate = false;
            }
        }
        if (current is { } last && candidate) found.Add(last);
        return found.Where(m => m.ResidentBytes > 0).ToList();
    }

    /// <summary>A mapping's first line ("start-end perms offset dev inode path"), and whether it is a private,
    /// read-only mapping of a file; null for the lines of fields under it ("Rss:  12 kB").</summary>
    private static (Mapping Mapping, bool Candidate)? Header(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0].EndsWith(':')) return null;
        var dash = fields[0].IndexOf('-');
        if (dash <= 0) return null;
        if (!ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)) return null;
        var perms = fields[1];
        var path = fields.Length > 5 ? fields[5].Trim() : "";
        var candidate = perms.Length == 4 && perms[1] == '-' && perms[3] == 'p' && path.StartsWith('/');
        return (new Mapping(start, end, path, 0), candidate);
    }

    private static long Kibibytes(string line)
    {
        var value = line.AsSpan(line.IndexOf(':') + 1).Trim();
        var space = value.IndexOf(' ');
        return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
    }

    internal readonly record struct Mapping(ulong Start, ulong End, string Path, long ResidentBytes);

    [LibraryImport("libc")]
    private static partial int madvise(nint address, nuint length, int advice);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
