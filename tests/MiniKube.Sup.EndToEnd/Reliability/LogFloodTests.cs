using System.Text;
using System.Text.RegularExpressions;
using MiniKube.Sup.Logs;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A container that writes without ever ending a line (`tr '\000' a &lt;/dev/zero`, or a progress bar that
/// only uses `\r`) must not grow the daemon: lines are cut at 16 KiB into partial CRI records, as containerd does,
/// on disk and on the console, and the log stays readable.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed partial class LogFloodTests(ITestOutputHelper output)
{
    private const int MaxLine = 16 * 1024;

    /// <summary>Far above what the daemon needs (~70-150 MB), far below where a flood took it in seconds (GBs): a
    /// bound against unbounded growth, not a measure of footprint.</summary>
    private const long RssBoundKiB = 300 * 1024;

    [Theory]
    [InlineData("tr '\\\\000' a </dev/zero", "^a+$")]
    [InlineData("yes 45% | tr '\\\\n' '\\\\r'", "^[45%\r]+$")]
    public async Task A_container_writing_without_newlines_leaves_the_daemon_bounded_and_its_log_readable(string script, string text)
    {
        await using var daemon = new SupDaemon($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: flood
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  command: ["sh", "-c", "{script}"]
            """) { KeepOutputLines = 100 };
        // Small logs, so that reading the whole of one stays cheap for this test.
        await daemon.StartAsync(false, "--log-max-size", "1048576", "--log-max-files", "2");
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync(["flood"]);
        var dir = new StatePaths(daemon.StateDir).LogDirectory("flood", await daemon.UidOf("flood"), "app");
        await Poll.Until(() => File.Exists(LogLocator.RotatedFile(dir, 0, 1)), "the flood filled a first log file", 30);

        var samples = new List<long>();
        for (var i = 0; i < 24; i++)
        {
            await Task.Delay(250);
            samples.Add(watch.RssKiB());
            output.WriteLine($"VmRSS {samples[^1] / 1024} MB");
            Assert.True(samples[^1] < RssBoundKiB, $"the daemon grew to {samples[^1] / 1024} MB under a newline-less flood");
        }

        // On disk: CRI records, none with more than 16 KiB of text, all partial (no line ever ended).
        var records = CompleteRecords(File.ReadAllBytes(LogLocator.CurrentFile(dir, 0)));
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var match = CriRecord().Match(Encoding.Latin1.GetString(record));
            Assert.True(match.Success, $"not a CRI log record: {Encoding.Latin1.GetString(record[..Math.Min(80, record.Length)])}");
            Assert.Equal("P", match.Groups["tag"].Value);
            Assert.InRange(match.Groups["content"].Length, 1, MaxLine);
        }

        // The console shows the flood in pieces of at most 16 KiB too. (This test reads the daemon's output with
        // .NET's line reader, which also ends a line at '\r': the progress bar's pieces show here as "45%" lines.)
        var console = daemon.Process.Lines.ToList();
        Assert.All(console, l => Assert.InRange(l.Length, 0, "flood/app | ".Length + MaxLine));
        if (!text.Contains('\r')) Assert.Contains(console, l => l == "flood/app | " + new string('a', MaxLine));

        // `sup logs` gives the text alone, the partial records joined (one line that never ended).
        var (code, all, err) = await daemon.Sup("logs", "flood");
        Assert.True(code == 0, err);
        Assert.Matches(text, all);
        (code, var tail, err) = await daemon.Sup("logs", "flood", "--tail", "1");
        Assert.True(code == 0, err);
        Assert.Matches(text, tail);
        Assert.True(watch.RssKiB() < RssBoundKiB, $"the daemon grew to {watch.RssKiB() / 1024} MB serving the flood's log");
        output.WriteLine($"sup logs: {all.Length} chars, --tail 1: {tail.Length} chars; {console.Count} console lines kept");
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>The file's records without their line ends, but the last one if the writer is still writing it.</summary>
    private static List<byte[]> CompleteRecords(byte[] file)
    {
        var records = new List<byte[]>();
        var start = 0;
        for (int end; (end = Array.IndexOf(file, (byte)'\n', start)) >= 0; start = end + 1) records.Add(file[start..end]);
        return records;
    }

    // kubelet's parseCRILog: RFC 3339 timestamp, stream, tag, content, one space apart.
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d) (stdout|stderr) (?<tag>[PF]) (?<content>[^\n]*)$", RegexOptions.Singleline)]
    private static partial Regex CriRecord();
}
