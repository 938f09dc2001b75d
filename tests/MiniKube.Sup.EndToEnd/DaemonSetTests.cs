using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The DaemonSet controller in a real daemon: one pod on this host, replaced old-first on a template change.</summary>
public sealed partial class DaemonSetTests
{
    private const string Manifest = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: main
                  command: ["TESTAPP"]
                  args: ["--print", "VERSION"]
        """;

    [Fact]
    public async Task DaemonSet_runs_exactly_one_pod_and_a_template_change_replaces_it_old_first()
    {
        await using var d = new SupDaemon(Manifest.Replace("VERSION", "v1"));
        await d.StartAsync();
        string first = "";
        await Poll.Until(() =>
        {
            var (_, output, _) = d.Sup("get", "pods", "-l", "app=agent", "-o", "name").GetAwaiter().GetResult();
            var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            first = names.Length == 1 ? names[0] : "";
            return first.Length > 0;
        }, "one daemon pod", 30);
        Assert.Matches("^pod/agent-[a-z0-9]{5}$", first);
        await d.WaitForPodAsync(first["pod/".Length..]);
        await Poll.Until(() => DsRow(d).Contains(" 1 ", StringComparison.Ordinal) && ReadyCount(DsRow(d)) == 1, "daemonset ready", 30);
        var row = DsRow(d);
        Assert.Matches(@"^agent\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\d+s$", row);

        d.WriteManifest(Manifest.Replace("VERSION", "v2"));
        var (code, _, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, err);
        await Poll.Until(() =>
        {
            var (_, output, _) = d.Sup("get", "pods", "-l", "app=agent", "-o", "name").GetAwaiter().GetResult();
            var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return names.Length == 1 && names[0] != first;
        }, "the old pod replaced by a new one", 30);
        Assert.Equal(0, await d.StopAsync());
    }

    private static string DsRow(SupDaemon d)
    {
        var (_, table, _) = d.Sup("get", "ds").GetAwaiter().GetResult();
        var lines = table.TrimEnd().Split('\n');
        return lines.Length > 1 ? lines[1] : "";
    }

    private static int ReadyCount(string row) => row.Length == 0 ? -1 : int.Parse(RowPattern().Match(row) is { Success: true } m ? m.Groups[1].Value : "-1");

    [GeneratedRegex(@"^agent\s+\d+\s+\d+\s+(\d+)")]
    private static partial Regex RowPattern();
}
