using Microsoft.Extensions.Hosting;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// On a terminal, `sup run` keeps a live status line on the bottom row (pods by status, restarts) while the
/// container logs scroll above it: the rows above are made the scrolling region, and the status line is
/// redrawn every second with one write (save cursor, draw, restore). Off a terminal it does nothing, so piped
/// output holds no control codes.
/// </summary>
internal sealed class LiveStatusLine(Supervisor supervisor, TimeProvider time) : BackgroundService
{
    public static bool Enabled =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is { } term && term != "dumb"
        && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        var rows = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                var height = Console.WindowHeight;
                if (height < 3) continue;
                if (height != rows)
                {
                    rows = height;
                    Console.Out.Write($"\e[1;{rows - 1}r\e[{rows - 1};1H"); // logs scroll in rows 1..H-1
                }
                Console.Out.Write($"\e7\e[{rows};1H\e[2K\e[7m{Render(Console.WindowWidth)}\e[0m\e8");
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) { }
        finally
        {
            if (rows > 0) Console.Out.Write($"\e7\e[{rows};1H\e[2K\e8\e[r");
        }
    }

    private string Render(int width)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var pods = supervisor.Store.List("Pod").Select(o => o.As<k8s.Models.V1Pod>()).ToList();
        var statuses = pods.Select(p => PodPrinter.Columns(p, now)).ToList();
        var byStatus = statuses.GroupBy(c => c.Status).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}");
        var restarts = pods.Sum(p => (p.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0) + (p.Status?.InitContainerStatuses?.Sum(c => c.RestartCount) ?? 0));
        var text = $" sup · {pods.Count} pod(s): {string.Join(", ", byStatus)} · restarts {restarts} · {now:HH:mm:ss} · `sup get pods` for details ";
        return text.Length > width ? text[..Math.Max(0, width)] : text.PadRight(width);
    }
}
