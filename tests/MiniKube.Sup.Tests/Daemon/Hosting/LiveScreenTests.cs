using MiniKube.Sup.Daemon.Hosting;

namespace MiniKube.Sup.Tests.Daemon.Hosting;

/// <summary>What the live view writes to the terminal, byte for byte: lines printed above a table block that is
/// erased (cursor up over its lines, erase below) and drawn again; never a scroll region or a mode.</summary>
public sealed class LiveScreenTests
{
    private readonly StringWriter _terminal = new();

    [Fact]
    public void Lines_are_printed_above_the_table_which_is_erased_and_drawn_again_below_them()
    {
        var screen = new LiveScreen(_terminal);
        screen.WriteLine("before the table");
        screen.Show(["HEADER", "row", "status"]);
        screen.WriteLine("web/app | hello", pod: "web");
        screen.Show(["HEADER", "row 2", "status"]);
        Assert.Equal("before the table\n" + "HEADER\nrow\nstatus\n" + "\r\e[3A\e[J" + "web/app | hello\n" + "HEADER\nrow\nstatus\n"
            + "\r\e[3A\e[J" + "HEADER\nrow 2\nstatus\n", _terminal.ToString());
    }

    [Fact]
    public void Close_erases_the_table_and_later_lines_pass_straight_through()
    {
        var screen = new LiveScreen(_terminal);
        screen.Show(["HEADER", "status"]);
        screen.Close();
        screen.WriteLine("all pods stopped");
        screen.Show(["HEADER", "status"]); // a draw after the close is ignored
        screen.Close();
        Assert.Equal("HEADER\nstatus\n" + "\r\e[2A\e[J" + "all pods stopped\n", _terminal.ToString());
    }

    [Fact]
    public void Paused_lines_are_held_and_printed_in_order_on_resume()
    {
        var screen = new LiveScreen(_terminal);
        screen.Show(["T"]);
        screen.SetPaused(true);
        screen.WriteLine("one", pod: "a");
        screen.WriteLine("daemon line");
        Assert.Equal(2, screen.Held);
        Assert.Equal("T\n", _terminal.ToString());
        screen.SetPaused(false);
        Assert.Equal("T\n" + "\r\e[1A\e[J" + "one\ndaemon line\n" + "T\n", _terminal.ToString());
    }

    [Fact]
    public void Held_lines_are_bounded_the_oldest_dropped_and_counted()
    {
        var screen = new LiveScreen(_terminal);
        screen.SetPaused(true);
        for (var i = 0; i < LiveScreen.MaxHeld + 5; i++) screen.WriteLine($"line {i}");
        Assert.Equal(LiveScreen.MaxHeld, screen.Held);
        Assert.Equal(5, screen.Dropped);
        screen.SetPaused(false);
        var lines = _terminal.ToString().Split('\n');
        Assert.Equal("sup: 5 line(s) dropped while paused (sup logs has them)", lines[0]);
        Assert.Equal("line 5", lines[1]);
        Assert.Equal($"line {LiveScreen.MaxHeld + 4}", lines[LiveScreen.MaxHeld]);
    }

    [Fact]
    public void A_filter_drops_other_pods_lines_but_never_the_daemons()
    {
        var screen = new LiveScreen(_terminal);
        screen.SetFilter("web");
        screen.WriteLine("db/main | ready", pod: "db");
        screen.WriteLine("web/app | up", pod: "web");
        screen.WriteLine("12:00:00 INF something");
        Assert.Equal("web/app | up\n12:00:00 INF something\n", _terminal.ToString());
    }

    [Fact]
    public void The_writer_passes_whole_lines_whatever_the_writes()
    {
        var screen = new LiveScreen(_terminal);
        screen.Show(["T"]);
        var writer = new LiveScreenWriter(screen, System.Text.Encoding.UTF8, isError: false);
        writer.Write("12:00:00 INF ");
        writer.Write("half");
        Assert.Equal("T\n", _terminal.ToString()); // nothing until the line is whole
        writer.Write(" line\r\nsecond\nthird");
        writer.FlushPartial();
        Assert.Equal("T\n" + "\r\e[1A\e[J12:00:00 INF half line\nT\n" + "\r\e[1A\e[Jsecond\nT\n" + "\r\e[1A\e[Jthird\nT\n", _terminal.ToString());
    }

    [Fact]
    public void Stderr_lines_go_to_stderr_between_the_erase_and_the_draw()
    {
        var error = new StringWriter();
        var screen = new LiveScreen(_terminal, error);
        screen.Show(["T"]);
        screen.WriteLine("sup: job/x Failed", isError: true);
        Assert.Equal("T\n\r\e[1A\e[JT\n", _terminal.ToString());
        Assert.Equal("sup: job/x Failed\n", error.ToString());
    }
}
