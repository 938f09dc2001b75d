using System.Text;
using System.Text.RegularExpressions;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Runtime;

public sealed partial class ContainerLogPumpTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-pump-");
    private readonly Console _console = new();

    public void Dispose() => _dir.Dispose();

    private string Log => LogLocator.CurrentFile(_dir.Path, 0);

    private ContainerLogPump Pump() => new(Log, _console, "pod", "app");

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_line_without_newline_reaches_the_console_in_pieces_of_at_most_16_KiB()
    {
        var pump = Pump();
        var flood = B(new string('a', 40_000));
        for (var i = 0; i < flood.Length; i += 4096) pump.OnData(flood.AsSpan(i, Math.Min(4096, flood.Length - i)));
        Assert.Equal([16384, 16384], _console.Lines.Select(l => l.Length));
        pump.OnClosed();
        Assert.Equal([16384, 16384, 40_000 - 2 * 16384], _console.Lines.Select(l => l.Length));
    }

    [Fact]
    public void The_log_file_holds_CRI_records_full_for_ended_lines_and_partial_for_the_rest()
    {
        var pump = Pump();
        pump.OnData(B("hello\nwor"));
        pump.OnData(B("ld"));
        pump.OnClosed();
        var records = File.ReadAllText(Log).Split('\n');
        Assert.Equal(3, records.Length);
        Assert.Equal("", records[2]);
        Assert.Equal(("stdout", "F", "hello"), Parse(records[0]));
        Assert.Equal(("stdout", "P", "world"), Parse(records[1]));
        Assert.Equal(["hello", "world"], _console.Lines);
    }

    [Fact]
    public void A_carriage_return_is_content_but_the_one_of_a_CRLF_line_end_is_not()
    {
        var pump = Pump();
        pump.OnData(B("10%\r20%\r\n"));
        pump.OnClosed();
        Assert.Equal(("stdout", "F", "10%\r20%"), Parse(File.ReadAllText(Log).TrimEnd('\n')));
        Assert.Equal(["10%\r20%"], _console.Lines);
    }

    [Fact]
    public void A_character_cut_at_16_KiB_shows_whole_on_the_console()
    {
        var pump = Pump();
        pump.OnData(B(new string('a', 16383) + "é and the rest\n"));
        pump.OnClosed();
        Assert.Equal([new string('a', 16383), "é and the rest"], _console.Lines);
    }

    [Fact]
    public void Output_that_ends_unended_is_written_when_the_pipe_closes()
    {
        var pump = Pump();
        pump.OnData(B("no newline"));
        Assert.False(pump.Closed.IsCompleted);
        Assert.Empty(_console.Lines);
        pump.OnClosed();
        Assert.True(pump.Closed.IsCompleted);
        Assert.Equal(["no newline"], _console.Lines);
        Assert.Equal("no newline", string.Concat(LogReader.ReadText(_dir.Path, 0).Select(c => Encoding.UTF8.GetString(c.Span))));
    }

    private static (string Stream, string Tag, string Content) Parse(string record)
    {
        var match = CriRecord().Match(record);
        Assert.True(match.Success, $"not a CRI record: {record}");
        return (match.Groups["stream"].Value, match.Groups["tag"].Value, match.Groups["content"].Value);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (?<stream>stdout|stderr) (?<tag>[PF]) (?<content>.*)$", RegexOptions.Singleline)]
    private static partial Regex CriRecord();

    private sealed class Console : IContainerOutput
    {
        public List<string> Lines { get; } = [];

        public void WriteLine(string pod, string container, string line) => Lines.Add(line);
    }
}
