using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class LogLineSplitterTests
{
    private const int Max = CriLogRecord.MaxContentBytes;

    private readonly List<(string Content, bool Partial)> _pieces = [];

    private LogLineSplitter Splitter(int max = Max) => new((content, partial) => _pieces.Add((Encoding.Latin1.GetString(content), partial)), max);

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string A(int n) => new('a', n);

    public static TheoryData<string, string[]> Lines => new()
    {
        { "", [] },
        { "\n", ["F:"] },
        { "\n\n", ["F:", "F:"] },
        { "one\ntwo\n", ["F:one", "F:two"] },
        { "unended", ["P:unended"] },
        { "one\nunended", ["F:one", "P:unended"] },
        // '\r' is content; only the one of a "\r\n" line end is dropped (containerd's readLine)
        { "10%\r20%\r30%", ["P:10%\r20%\r30%"] },
        { "10%\r20%\n", ["F:10%\r20%"] },
        { "dos\r\n", ["F:dos"] },
        { "\r\n", ["F:"] },
        { "\r\r\n", ["F:\r"] },
        { "a\rb\r", ["P:a\rb\r"] },
        // at 16 KiB
        { A(Max) + "\n", ["F:" + A(Max)] },
        { A(Max) + "\r\n", ["F:" + A(Max)] },
        { A(Max + 1) + "\n", ["P:" + A(Max), "F:a"] },
        { A(Max) + "\rb\n", ["P:" + A(Max), "F:\rb"] },
        { A(Max - 1) + "\r\r\n", ["F:" + A(Max - 1) + "\r"] },
        { A(2 * Max) + "\n", ["P:" + A(Max), "F:" + A(Max)] },
        { A(2 * Max + 3) + "\nx\n", ["P:" + A(Max), "P:" + A(Max), "F:aaa", "F:x"] },
        { A(Max), ["P:" + A(Max)] },
        { A(Max) + "\r", ["P:" + A(Max), "P:\r"] },
        { A(Max + 1), ["P:" + A(Max), "P:a"] },
        { A(3 * Max + 2), ["P:" + A(Max), "P:" + A(Max), "P:" + A(Max), "P:aa"] },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Lines_are_cut_as_containerd_cuts_them(string output, string[] expected)
    {
        var splitter = Splitter();
        splitter.Write(B(output));
        splitter.Complete();
        Assert.Equal(expected, _pieces.Select(p => (p.Partial ? "P:" : "F:") + p.Content));
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Where_the_reads_cut_the_output_does_not_matter(string output, string[] expected)
    {
        foreach (var cut in new[] { 1, 2, 3, 7, 4096, Max - 1, Max, Max + 1, Max + 2 })
        {
            _pieces.Clear();
            var splitter = Splitter();
            var bytes = B(output);
            for (var i = 0; i < bytes.Length; i += cut) splitter.Write(bytes.AsSpan(i, Math.Min(cut, bytes.Length - i)));
            splitter.Complete();
            Assert.Equal(expected, _pieces.Select(p => (p.Partial ? "P:" : "F:") + p.Content));
        }
    }

    [Fact]
    public void A_flood_without_line_ends_never_holds_more_than_the_limit_and_a_byte()
    {
        var splitter = Splitter();
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        var largest = 0;
        for (var i = 0; i < 200; i++) // 12.5 MiB
        {
            splitter.Write(chunk.AsSpan(0, 1 + i * 313 % chunk.Length));
            largest = Math.Max(largest, splitter.Pending);
        }
        Assert.InRange(largest, 1, Max + 1);
        Assert.All(_pieces, p => Assert.Equal((Max, true), (p.Content.Length, p.Partial)));
    }

    [Fact]
    public void Random_output_is_cut_into_pieces_that_join_back_into_its_lines()
    {
        var random = new Random(7);
        var alphabet = "ab\r\n\n";
        var output = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            output.Append(alphabet[random.Next(alphabet.Length)]);
            if (random.Next(500) == 0) output.Append('x', random.Next(3 * 40));
        }
        var splitter = Splitter(40);
        var bytes = B(output.ToString());
        for (var i = 0; i < bytes.Length;)
        {
            var n = Math.Min(random.Next(1, 100), bytes.Length - i);
            splitter.Write(bytes.AsSpan(i, n));
            i += n;
        }
        splitter.Complete();

        Assert.All(_pieces, p => Assert.InRange(p.Content.Length, 0, 40));
        Assert.All(_pieces.Where(p => p.Partial).SkipLast(1), p => Assert.Equal(40, p.Content.Length));
        var joined = string.Concat(_pieces.Select(p => p.Partial ? p.Content : p.Content + "\n"));
        var lines = output.ToString().Split('\n');
        var expected = string.Concat(lines.Select((l, i) => i < lines.Length - 1 ? (l.EndsWith('\r') ? l[..^1] : l) + "\n" : l));
        Assert.Equal(expected, joined);
    }

    [Fact]
    public void A_character_cut_at_the_limit_is_whole_again_when_the_pieces_are_joined()
    {
        // Pieces are bytes (containerd cuts bytes too): the output need not be UTF-8, and the reader joins them.
        var text = A(Max - 1) + "é€" + "\n";
        var pieces = new List<byte[]>();
        var splitter = new LogLineSplitter((content, _) => pieces.Add(content.ToArray()));
        splitter.Write(Encoding.UTF8.GetBytes(text));
        Assert.Equal([Max, 4], pieces.Select(p => p.Length));
        Assert.Equal(0xC3, pieces[0][^1]); // the first byte of 'é'
        Assert.Equal(text.TrimEnd('\n'), Encoding.UTF8.GetString(pieces.SelectMany(p => p).ToArray()));
    }
}
