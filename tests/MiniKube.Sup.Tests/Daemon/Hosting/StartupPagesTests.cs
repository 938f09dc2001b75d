using System.Runtime.InteropServices;
using MiniKube.Sup.Daemon.Hosting;

namespace MiniKube.Sup.Tests.Daemon.Hosting;

public sealed class StartupPagesTests
{
    // An excerpt of a sup-daemon's /proc/PID/smaps, fields cut to the ones that matter.
    private const string Smaps = """
        55b3591a7000-55b359f87000 r-xp 00069000 fd:00 1234 /opt/sup/sup-daemon
        Size:              14208 kB
        Rss:               12288 kB
        Anonymous:             0 kB
        55b35afe1000-55b35b557000 r--p 02419000 fd:00 1234 /opt/sup/sup-daemon
        Size:               5592 kB
        Rss:                  20 kB
        Anonymous:            20 kB
        55b35b559000-55b35b626000 rw-p 0241b000 fd:00 1234 /opt/sup/sup-daemon
        Rss:                 820 kB
        Private_Clean:         8 kB
        Private_Dirty:       812 kB
        Anonymous:           812 kB
        55b35b626000-55b35b700000 rw-p 02500000 fd:00 1234 /opt/sup/sup-daemon
        Rss:               16484 kB
        Private_Clean:     15764 kB
        Private_Dirty:       720 kB
        Anonymous:           720 kB
        55b35b700000-55b35b701000 rw-p 02600000 fd:00 1234 /opt/sup/sup-daemon
        Rss:                   4 kB
        Private_Clean:         0 kB
        Private_Dirty:         4 kB
        Anonymous:             4 kB
        55b35b626000-55b35cbcd000 rw-p 00000000 00:00 0
        Rss:               21596 kB
        Anonymous:         21596 kB
        7f7ed1600000-7f7ed16c5000 r--p 00000000 fd:00 99 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                 788 kB
        Anonymous:             0 kB
        7f7ed1942000-7f7ed1a20000 r--p 00342000 fd:00 99 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                   0 kB
        Anonymous:             0 kB
        7f7ed2833000-7f7ed283b000 rw-s 00000000 fd:00 77 /state/sup.db-shm
        Rss:                  32 kB
        Anonymous:             0 kB
        7f7ed283c000-7f7ed283d000 r--s 00000000 fd:00 78 /state/other
        Rss:                   4 kB
        Anonymous:             0 kB
        7f8ab3be6000-7f8ab3be8000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   4 kB
        Anonymous:             0 kB
        7f8ab3c0f000-7f8ab3c19000 r--p 00026000 fd:00 5 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        Rss:                  40 kB
        Anonymous:             0 kB
        """;

    [Fact]
    public void Only_resident_private_read_only_file_mappings_without_copied_pages_are_released()
    {
        var found = StartupPages.CleanFileMappings(Smaps.Split('\n'));

        Assert.Equal(
            [
                ("55b3591a7000", "/opt/sup/sup-daemon", 12288L * 1024),
                ("7f7ed1600000", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", 788L * 1024),
                ("7f8ab3c0f000", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 40L * 1024),
            ],
            found.Select(m => (m.Start.ToString("x"), m.Path, m.ResidentBytes)));
    }

    [Fact]
    public void Private_writable_file_mappings_are_reclaimed_for_their_clean_pages_only()
    {
        var found = StartupPages.WrittenFileMappings(Smaps.Split('\n'));

        Assert.Equal(
            [("55b35b559000", 8L * 1024, true), ("55b35b626000", 15764L * 1024, true)],
            found.Select(m => (m.Start.ToString("x"), m.ResidentBytes, m.Written)));
    }

    [Fact]
    public void Reclaiming_a_private_file_mapping_keeps_what_was_written_and_gives_back_what_was_only_read()
    {
        // The image's data as the daemon has it: a file mapped private and writable, some pages read, one written.
        using var mapped = new MappedFile(ProtRead | ProtWrite);
        var address = mapped.Address;
        var sum = 0;
        for (var page = 0; page < Pages; page++) sum += Marshal.ReadByte(address, page * 4096);
        Assert.Equal(Enumerable.Range(0, Pages).Sum(), sum);
        Marshal.WriteByte(address, 5 * 4096, 200);
        var mapping = StartupPages.WrittenFileMappings(File.ReadLines("/proc/self/smaps")).Single(m => (nint)m.Start == address);
        Assert.Equal((Pages - 1) * 4096L, mapping.ResidentBytes);

        StartupPages.Release([mapping]);

        var after = StartupPages.WrittenFileMappings(File.ReadLines("/proc/self/smaps")).SingleOrDefault(m => (nint)m.Start == address);
        Assert.True(after.ResidentBytes < mapping.ResidentBytes, $"nothing reclaimed: {after.ResidentBytes} bytes still resident");
        // What was written is still there; what was read reads again from the file.
        Assert.Equal(200, Marshal.ReadByte(address, 5 * 4096));
        Assert.Equal(6, Marshal.ReadByte(address, 6 * 4096));
        Assert.Equal(Pages - 1, Marshal.ReadByte(address, (Pages - 1) * 4096));
    }

    [Fact]
    public void A_reclaimed_mapping_maps_again_only_the_pages_read_not_their_neighbours()
    {
        // The daemon's first collection after start-up reads type descriptions one here, one there across the
        // image's data: each read must bring back its page, not the 64 KiB of read-ahead around it.
        using var mapped = new MappedFile(ProtRead | ProtWrite, SpreadPages);
        var address = mapped.Address;
        for (var page = 0; page < SpreadPages; page++) _ = Marshal.ReadByte(address, page * 4096);
        Marshal.WriteByte(address, 5 * 4096, 200);
        var mapping = StartupPages.WrittenFileMappings(File.ReadLines("/proc/self/smaps")).Single(m => (nint)m.Start == address);

        StartupPages.Release([mapping]);
        var read = ReadSpread(address);

        // What is resident and only read (the written page aside): about the pages read, not their neighbours.
        var after = StartupPages.WrittenFileMappings(File.ReadLines("/proc/self/smaps")).SingleOrDefault(m => (nint)m.Start == address);
        Assert.True(after.ResidentBytes <= read * 4 * 4096, $"{after.ResidentBytes / 1024} KiB read back after reading {read} pages apart: about those pages alone expected");
    }

    [Fact]
    public void The_executables_own_read_only_pages_are_reclaimed_so_that_one_read_again_comes_back_without_its_neighbours()
    {
        // Its code and read-only data: dropped with MADV_DONTNEED they stayed in the page cache, and a read of one page
        // mapped the 64 KiB around it again (fault-around); reclaimed, the page read comes back alone.
        using var mapped = new MappedFile(ProtRead, SpreadPages);
        var (address, path) = (mapped.Address, mapped.Path);
        for (var page = 0; page < SpreadPages; page++) _ = Marshal.ReadByte(address, page * 4096);
        var mapping = StartupPages.CleanFileMappings(File.ReadLines("/proc/self/smaps"), ownImage: path).Single(m => (nint)m.Start == address);
        Assert.Equal((SpreadPages * 4096L, true), (mapping.ResidentBytes, mapping.OwnImage));
        Assert.DoesNotContain(StartupPages.CleanFileMappings(File.ReadLines("/proc/self/smaps")), m => m.OwnImage);

        StartupPages.Release([mapping]);
        var read = ReadSpread(address);

        // Dropped, each read would map its 16-page window back (fault-around): 16 times the pages read.
        var after = StartupPages.CleanFileMappings(File.ReadLines("/proc/self/smaps"), ownImage: path).SingleOrDefault(m => (nint)m.Start == address);
        Assert.True(after.ResidentBytes <= read * 4 * 4096, $"{after.ResidentBytes / 1024} KiB mapped again after reading {read} pages apart: about those pages alone expected");
    }

    /// <summary>Pages of the files whose reads are spread over them: reclaim cannot take a page the kernel has not yet
    /// put on its LRU lists (a per-CPU batch of the last ~15 read), so a test reads pages far apart and allows a few of
    /// those, never the 16-page windows a dropped mapping gives back.</summary>
    private const int SpreadPages = 1024;

    /// <summary>Reads 16 pages 64 apart, checking each holds its number; returns how many.</summary>
    private static int ReadSpread(nint address)
    {
        var read = 0;
        for (var page = 0; page < SpreadPages; page += 64, read++) Assert.Equal((byte)page, Marshal.ReadByte(address, page * 4096));
        return read;
    }

    private const int Pages = 64;

    /// <summary>A temporary file of <see cref="Pages"/> pages (page i filled with the byte i) mapped private with the
    /// given protection; unmapped and deleted when disposed. Written through to the disk and out of the page cache, as
    /// an executable is before it runs: reclaim cannot drop a page still waiting to be written.</summary>
    private sealed class MappedFile : IDisposable
    {
        private readonly int _pages;

        public MappedFile(int protection, int pages = Pages)
        {
            _pages = pages;
            using (var stream = new FileStream(Path, FileMode.Create))
            {
                stream.Write(Enumerable.Range(0, pages * 4096).Select(i => (byte)(i / 4096)).ToArray());
                stream.Flush(flushToDisk: true);
            }
            using var file = File.OpenHandle(Path);
            // Out of the page cache, so that it comes in as an executable's pages do: read through its mapping.
            Assert.Equal(0, PosixFadvise(file.DangerousGetHandle().ToInt32(), 0, 0, FadviseDontNeed));
            Address = Mmap(0, (nuint)(pages * 4096), protection, MapPrivate, file.DangerousGetHandle().ToInt32(), 0);
            Assert.NotEqual(-1, Address);
        }

        public string Path { get; } = System.IO.Path.GetTempFileName();

        public nint Address { get; }

        public void Dispose()
        {
            Munmap(Address, (nuint)(_pages * 4096));
            File.Delete(Path);
        }
    }

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    private const int FadviseDontNeed = 4;

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(nint address, nuint length);

    [Fact]
    public void A_process_whose_clean_file_pages_are_released_runs_on_and_holds_fewer_of_them()
    {
        var before = StartupPages.Find();

        StartupPages.Release(before);

        // This test's own process: its runtime's code and libraries are mapped again as it goes on running.
        var after = StartupPages.Find().ToDictionary(m => m.Start, m => m.ResidentBytes);
        Assert.True(before.Sum(m => m.ResidentBytes) > before.Sum(m => after.GetValueOrDefault(m.Start)),
            "no resident file page was released");
        Assert.Equal("sup", string.Concat(new[] { 's', 'u', 'p' }.Select(c => c.ToString())));
    }
}
