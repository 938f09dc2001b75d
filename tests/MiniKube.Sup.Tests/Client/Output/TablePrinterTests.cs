using System.Text.Json;
using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Tests.Client.Output;

public class TablePrinterTests
{
    private const string Table = """
        {"kind":"Table","columnDefinitions":[
          {"name":"Name","priority":0},{"name":"Ready","priority":0},{"name":"Restarts","priority":0},{"name":"IP","priority":1},{"name":"Node","priority":0}],
         "rows":[
          {"cells":["web","1/1",0,"10.0.0.1",null]},
          {"cells":["database-0","0/1",12,"10.0.0.2","host"]}]}
        """;

    [Fact]
    public void Columns_are_upper_case_and_wide_ones_only_with_o_wide()
    {
        using var doc = JsonDocument.Parse(Table);

        var (headers, columns) = TablePrinter.Columns(doc.RootElement, wide: false);
        var (wideHeaders, wideColumns) = TablePrinter.Columns(doc.RootElement, wide: true);

        Assert.Equal(["NAME", "READY", "RESTARTS", "NODE"], headers);
        Assert.Equal([0, 1, 2, 4], columns);
        Assert.Equal(["NAME", "READY", "RESTARTS", "IP", "NODE"], wideHeaders);
        Assert.Equal([0, 1, 2, 3, 4], wideColumns);
    }

    [Fact]
    public void Cells_show_numbers_as_written_null_as_none_and_may_carry_the_kind()
    {
        using var doc = JsonDocument.Parse(Table);

        var rows = TablePrinter.Rows(doc.RootElement, [0, 2, 4], kindPrefix: "pod/");

        Assert.Equal([["pod/web", "0", "<none>"], ["pod/database-0", "12", "host"]], rows);
    }

    [Fact]
    public void Columns_are_padded_to_the_widest_cell_with_three_spaces_the_last_not_at_all()
    {
        var text = TablePrinter.Format(["NAME", "READY"], [["web", "1/1"], ["database-0", "0/1"]]);

        Assert.Equal("NAME         READY\nweb          1/1\ndatabase-0   0/1\n", text);
    }

    [Fact]
    public void Rows_can_be_printed_without_headers_as_a_watch_does()
    {
        Assert.Equal("web   1/1\n", TablePrinter.Format(["NAME", "READY"], [["web", "1/1"]], showHeaders: false));
        Assert.Equal("", TablePrinter.Format(["NAME"], [], showHeaders: false));
    }

    [Fact]
    public void A_control_character_in_a_cell_is_shown_escaped_and_cannot_break_the_table()
    {
        var text = TablePrinter.Format(["NAME", "STATUS"], [["web\e[2J", "Running\nX"]]);

        Assert.DoesNotContain("\e", text);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(@"web\x1b[2J", text);
    }
}
