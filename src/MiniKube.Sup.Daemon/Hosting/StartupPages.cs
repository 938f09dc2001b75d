using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// Gives back the pages of the executable and its libraries that only start-up read. A NativeAOT start reads its
/// whole compressed data blob to rehydrate it and runs the host's, Kestrel's and the manifest loader's one-off code:
/// ~30 MiB of sup-daemon's file stay mapped, of which a running daemon touches ~2 MiB. They are clean file pages:
/// the kernel's reclaim takes the executable's (MADV_PAGEOUT), madvise(MADV_DONTNEED) unmaps the libraries' from this
/// process (they stay in the page cache), and a page that is needed again is mapped again by its next access, as the
/// kernel's own reclaim would have it.
/// </summary>
/// <remarks>Private, read-only mappings of files that hold no page of their own (no copy-on-write page:
/// "Anonymous: 0") are dropped: for them MADV_DONTNEED loses nothing. Private writable mappings of files (the
/// image's data: 21.7 MiB, of which start-up leaves ~16 MiB resident with the daemon's data stored undehydrated, all
/// but ~0.7 MiB of it only read) would lose what was written with MADV_DONTNEED, so they are given to the kernel's
/// reclaim instead (MADV_PAGEOUT, Linux 5.4): it unmaps the pages still equal to the file's (and drops them from the
/// page cache when nothing else maps them, so the first later use of one reads it from the file again) and never loses
/// a written one (without swap it stays; with swap it may be written out and comes back on its next access), safely
/// even while another thread writes one. They are advised random first (MADV_RANDOM), so that a page the daemon needs
/// again comes back alone, without the read-around and fault-around neighbours a sequential read would want: with 100
/// pods, RSS once a container has been restarted ~42 -> ~34 MiB, for a first restart after start-up that reads its
/// pages one by one (median of 6 ~9 -> ~18 ms, once; the restarts after it as before). The executable's read-only
/// mappings (its code, its read-only data: GC and unwind information) go the same way: dropped with MADV_DONTNEED they
/// stayed in the page cache, and a fault on one page mapped the 64 KiB around it that the page cache held (the kernel's
/// fault-around, which MADV_RANDOM does not stop): 100 pods, RSS after a first restart ~33.4 -> ~31 MiB (its
/// read-only data 2.2 -> 0.5 MiB), the first restart no slower (NativeAOT, alternated runs). Libraries are mapped by
/// other processes too: dropped from this one only. Shared mappings are left alone.</remarks>
internal static partial class StartupPages
{
    private const int MadvRandom = 1;
    private const int MadvDontNeed = 4;
    private const int MadvPageOut = 21;

    /// <summary>The mappings that <see cref="Release"/> would drop now, with what each has resident.</summary>
    public static IReadOnlyList<Mapping> Find()
    {
        var smaps = File.ReadAllLines("/proc/self/smaps");
        return [.. CleanFileMappings(smaps, Environment.ProcessPath), .. WrittenFileMappings(smaps)];
    }

    /// <summary>Unmaps the clean file pages of the mappings found (the process's own, from <see cref="Find"/>), and
    /// gives the C heap's free pages back (glibc's malloc_trim: SQLite's and OpenSSL's start-up buffers).</summary>
    public static void Release(IReadOnlyList<Mapping> mappings)
    {
        // An older kernel refuses MADV_PAGEOUT (EINVAL): those pages then stay, as before.
        foreach (var mapping in mappings)
        {
            var (start, length) = ((nint)mapping.Start, (nuint)(mapping.End - mapping.Start));
            // Reclaim drops the pages from the page cache too, so a page used again is read from the file again; read
            // one page at a time (MADV_RANDOM: no read-around), or the kernel would read and map the 64-128 KiB around
            // each one: the first collection after start-up, reading type descriptions spread over the image's data,
            // mapped back ~10 MiB of it that way.
            if (mapping.Written || mapping.OwnImage)
            {
                _ = madvise(start, length, MadvRandom);
                _ = madvise(start, length, MadvPageOut);
            }
            else _ = madvise(start, length, MadvDontNeed);
        }
        _ = malloc_trim(0);
    }

    /// <summary>The mappings of /proc/PID/smaps text that <see cref="Release"/> may drop; those of
    /// <paramref name="ownImage"/> (the executable's path) marked as its own.</summary>
    public static IReadOnlyList<Mapping> CleanFileMappings(IEnumerable<string> smaps, string? ownImage = null)
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
        return found.Where(m => m.ResidentBytes > 0).Select(m => m with { OwnImage = m.Path == ownImage }).ToList();
    }

    /// <summary>The private writable mappings of files in /proc/PID/smaps text whose resident pages are not all
    /// written ("Private_Clean:" above 0), with those clean pages as what they hold: what reclaim would take.</summary>
    public static IReadOnlyList<Mapping> WrittenFileMappings(IEnumerable<string> smaps)
    {
        var found = new List<Mapping>();
        Mapping? current = null;
        foreach (var line in smaps)
        {
            if (Header(line) is { } header)
            {
                if (current is { } done) found.Add(done);
                current = header.Written ? header.Mapping with { Written = true } : null;
            }
            else if (current is { } mapping && line.StartsWith("Private_Clean:", StringComparison.Ordinal))
                current = mapping with { ResidentBytes = Kibibytes(line) * 1024 };
        }
        if (current is { } last) found.Add(last);
        return found.Where(m => m.ResidentBytes > 0).ToList();
    }

    /// <summary>A mapping's first line ("start-end perms offset dev inode path"), and whether it is a private,
    /// read-only mapping of a file (Candidate) or a private writable one (Written); null for the lines of fields under
    /// it ("Rss:  12 kB").</summary>
    private static (Mapping Mapping, bool Candidate, bool Written)? Header(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0].EndsWith(':')) return null;
        var dash = fields[0].IndexOf('-');
        if (dash <= 0) return null;
        if (!ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)) return null;
        var perms = fields[1];
        var path = fields.Length > 5 ? fields[5].Trim() : "";
        var privateFile = perms.Length == 4 && perms[3] == 'p' && path.StartsWith('/');
        return (new Mapping(start, end, path, 0), privateFile && perms[1] == '-', privateFile && perms[1] == 'w');
    }

    private static long Kibibytes(string line)
    {
        var value = line.AsSpan(line.IndexOf(':') + 1).Trim();
        var space = value.IndexOf(' ');
        return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
    }

    /// <param name="Written">a private writable mapping: reclaimed (MADV_PAGEOUT), never dropped</param>
    /// <param name="OwnImage">a read-only mapping of the executable itself: reclaimed too (see the remarks)</param>
    internal readonly record struct Mapping(ulong Start, ulong End, string Path, long ResidentBytes, bool Written = false, bool OwnImage = false);

    [LibraryImport("libc")]
    private static partial int madvise(nint address, nuint length, int advice);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
