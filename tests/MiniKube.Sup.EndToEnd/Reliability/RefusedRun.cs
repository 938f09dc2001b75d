using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A `sup run` that must refuse to start. If it starts instead (its socket appears), it is stopped, nothing
/// it started may be left, and the test fails saying so (with what the optional marker file recorded).</summary>
internal static class RefusedRun
{
    public static async Task<(int Code, string Output)> RunAsync(string stateDir, string? marker, params string[] args)
    {
        await using var sup = SupProcess.Start(args);
        await Poll.Until(() => sup.HasExited || File.Exists(Path.Combine(stateDir, "sup.sock")), "sup run to refuse or start", 30);
        if (!sup.HasExited)
        {
            if (marker is not null)
            {
                try { await Poll.Until(() => File.Exists(marker) && File.ReadAllLines(marker).Length > 1, "the planted pod to run again", 10); }
                catch (TimeoutException) { }
            }
            sup.Signal(Native.SIGTERM);
            await sup.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await Leftovers.AssertNoneAsync(new StatePaths(stateDir));
            var ran = marker is not null && File.Exists(marker) ? $"; the planted pod ran as uid(s) {string.Join(", ", File.ReadAllLines(marker))}" : "";
            Assert.Fail($"sup run started on {stateDir}{ran}:\n{sup.Output}");
        }
        return (await sup.WaitForExitAsync(TimeSpan.FromSeconds(10)), sup.Output);
    }
}
