using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.EndToEnd;

public class LogsTests
{
    [Fact]
    public async Task Logs_of_the_current_and_previous_instance_are_found_and_read()
    {
        await using var h = new PodHarness(new Pods.BackoffPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)));
        h.Run("chatty", "Always", 5, PodHarness.TestApp("app", "--print", "one", "--print", "two", "--exit-after", "200", "--code", "1"));
        await Poll.Until(() => h.Status("chatty").RestartCount >= 2, "two restarts", 30);
        var dir = h.Paths.LogDirectory("chatty", h.Get("chatty")!.Metadata.Uid, "app");
        var current = LogLocator.Current(dir)!.Value;
        Assert.True(current >= 2);
        Assert.Equal(current - 1, LogLocator.Previous(dir));
        await Poll.Until(() => Text(dir, current - 1).Contains("exiting with 1"), "previous log complete");
        Assert.Equal("one\ntwo\nexiting with 1\n", Text(dir, current - 1));
        Assert.Equal("two\nexiting with 1\n", Text(dir, current - 1, tail: 2));
        // On disk: CRI records, the container's stdout and stderr (one pipe) as stdout.
        Assert.Matches(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F (one|two|exiting with 1)\n){3}$",
            File.ReadAllText(LogLocator.CurrentFile(dir, current - 1)));
    }

    [Fact]
    public async Task Follow_of_a_finished_instance_reads_it_all_and_ends()
    {
        await using var h = new PodHarness();
        var worker = h.Run("once", "Never", 5, PodHarness.TestApp("app", "--print", "hello", "--print", "world", "--exit", "0"));
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        var dir = h.Paths.LogDirectory("once", h.Get("once")!.Metadata.Uid, "app");
        await Poll.Until(() => Text(dir, 0).Length == 12, "output drained");
        var text = new StringBuilder();
        await foreach (var chunk in LogReader.FollowTextAsync(dir, 0, null, () => true).WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))
            text.Append(Encoding.UTF8.GetString(chunk.Span));
        Assert.Equal("hello\nworld\n", text.ToString());
    }

    private static string Text(string dir, int instance, int? tail = null) =>
        Encoding.UTF8.GetString(LogReader.ReadText(dir, instance, tail).SelectMany(c => c.ToArray()).ToArray());
}
