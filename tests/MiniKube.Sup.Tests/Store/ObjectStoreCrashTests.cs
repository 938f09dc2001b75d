using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Store;
using Xunit.Abstractions;

namespace MiniKube.Sup.Tests.Store;

/// <summary>Kills a real writer process (SIGKILL) in the middle of its write loop and checks that the database opens,
/// holds every durable write the writer had acknowledged, and hands out only versions above every one handed out
/// before.</summary>
public sealed class ObjectStoreCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new("sup-store-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Killed_writer_leaves_a_database_that_opens_and_holds_every_acknowledged_write()
    {
        var first = 1;
        long lastRv = 0;
        // Several rounds on the same file: each starts from the state the previous kill left behind.
        foreach (var (ackedObjects, killAfterMs) in new[] { (150, 0), (100, 3), (200, 7) })
        {
            var acks = RunAndKill(first, ackedObjects, killAfterMs);
            Assert.Contains("open", acks.Opened);
            Assert.True(File.Exists(_dir.DatabasePath() + "-wal"), "a killed writer leaves its WAL behind");

            using var store = ObjectStore.Open(_dir.DatabasePath());
            foreach (var (i, _) in acks.Objects)
            {
                var stored = store.Get("ConfigMap", $"cm-{i}")?.As<V1ConfigMap>();
                Assert.NotNull(stored);
                Assert.Equal(CrashWriter.ConfigMap(i).Data["pad"], stored.Data["pad"]);
            }
            var lastStatus = acks.Statuses.Max(s => s.Index);
            Assert.True(store.Get("Deployment", "counter")!.As<V1Deployment>().Status.ObservedGeneration >= lastStatus);

            // Every version handed out before the kill, batched writes' too, is below every version handed out now.
            var maxAcked = acks.Objects.Concat(acks.Statuses).Concat(acks.Soon).Max(o => o.Rv);
            Assert.True(store.ResourceVersion > maxAcked);
            Assert.True(store.ResourceVersion > lastRv);
            Assert.True(store.Create(CrashWriter.ConfigMap(1_000_000 + first), "api").ResourceVersion > maxAcked);
            lastRv = store.ResourceVersion;
            output.WriteLine($"round from {first}: {acks.Objects.Count} objects acknowledged, rv {maxAcked}, reopened at rv {lastRv}");
            first = acks.Objects.Max(o => o.Index) + 2;
        }
    }

    private sealed record Acks(
        List<string> Opened,
        List<(int Index, long Rv)> Objects,
        List<(int Index, long Rv)> Statuses,
        List<(int Index, long Rv)> Soon);

    private Acks RunAndKill(int first, int killAfterObjects, int extraDelayMs)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.Environment[CrashWriter.DatabaseVariable] = _dir.DatabasePath();
        start.Environment[CrashWriter.FirstIndexVariable] = first.ToString(CultureInfo.InvariantCulture);

        var lines = new BlockingCollection<string>();
        var stderr = new ConcurrentQueue<string>();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the writer");
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
        child.BeginErrorReadLine();
        var reader = Task.Run(() =>
        {
            while (child.StandardOutput.ReadLine() is { } line) lines.Add(line);
            lines.CompleteAdding();
        });

        var acks = new Acks([], [], [], []);
        var deadline = Stopwatch.StartNew();
        try
        {
            while (acks.Objects.Count < killAfterObjects)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60) || !lines.TryTake(out var line, TimeSpan.FromSeconds(60)))
                    throw new TimeoutException($"writer acknowledged only {acks.Objects.Count} objects; stderr: {string.Join('\n', stderr)}");
                Parse(line, acks);
            }
            if (extraDelayMs > 0) Thread.Sleep(extraDelayMs);
        }
        finally
        {
            child.Kill(); // SIGKILL: no finally blocks, no Dispose, no checkpoint
            child.WaitForExit();
        }

        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "writer output did not end after the kill");
        // Lines already in the pipe were acknowledged before the kill.
        foreach (var line in lines.GetConsumingEnumerable()) Parse(line, acks);
        Assert.True(child.ExitCode != 0 && child.ExitCode != 2, $"the writer was killed, not finished (exit {child.ExitCode}): {string.Join('\n', stderr)}");
        return acks;
    }

    private static void Parse(string line, Acks acks)
    {
        var parts = line.Split(' ');
        int I(int k) => int.Parse(parts[k], CultureInfo.InvariantCulture);
        long L(int k) => long.Parse(parts[k], CultureInfo.InvariantCulture);
        switch (parts[0])
        {
            case "open": acks.Opened.Add(line); break;
            case "object": acks.Objects.Add((I(1), L(2))); break;
            case "status": acks.Statuses.Add((I(1), L(2))); break;
            case "soon": acks.Soon.Add((I(1), L(2))); break;
            default: throw new InvalidOperationException($"unexpected writer output: {line}");
        }
    }

    /// <summary>The dotnet host running this test (dotnet test sets DOTNET_HOST_PATH), else dotnet from PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
