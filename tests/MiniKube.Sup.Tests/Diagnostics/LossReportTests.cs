using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Diagnostics;

namespace MiniKube.Sup.Tests.Diagnostics;

public sealed class LossReportTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_loss_is_reported_at_once_then_at_most_once_per_interval_with_what_was_lost_since()
    {
        var report = new LossReport(_time, TimeSpan.FromMinutes(1));

        Assert.Equal(10, report.Lost(10));
        Assert.Null(report.Lost(5));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(report.Lost(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(11, report.Lost(1));
        Assert.Null(report.Lost(1));
    }

    [Fact]
    public void Recovery_reports_everything_lost_since_the_losses_began_once()
    {
        var report = new LossReport(_time, TimeSpan.FromMinutes(1));

        Assert.Null(report.Recovered());
        report.Lost(3);
        report.Lost(4);
        Assert.Equal(7, report.Recovered());
        Assert.Null(report.Recovered());
    }

    [Fact]
    public void A_new_run_of_losses_soon_after_the_last_report_waits_for_the_interval_but_is_not_forgotten()
    {
        var report = new LossReport(_time, TimeSpan.FromMinutes(1));
        report.Lost(1);
        report.Recovered();

        Assert.Null(report.Lost(2)); // flapping does not flood the log
        Assert.Equal(2, report.Recovered()); // and ends with what it lost
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, report.Lost(3));
    }
}
