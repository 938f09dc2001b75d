using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>A ReplicaSet written in a manifest (SPEC §2 runs it, as older manifests and tutorials use it directly):
/// the same controller that keeps a Deployment's revisions keeps its pods.</summary>
public sealed class ReplicaSetTests
{
    [Fact]
    public async Task A_replica_set_from_a_manifest_keeps_its_replicas_and_replaces_a_deleted_pod()
    {
        await using var d = new SupDaemon("""
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: frontend, labels: {tier: frontend}}
            spec:
              replicas: 2
              selector: {matchLabels: {tier: frontend}}
              template:
                metadata: {labels: {tier: frontend}}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                    - name: app
                      command: ["TESTAPP"]
            """);
        await d.StartAsync();
        var first = await Poll.For(async () => await RunningAsync(d) is { Length: 2 } two ? two : null, "two running replicas");

        Assert.Equal(0, (await d.Sup("delete", "pod", first[0])).Code);
        var now = await Poll.For(async () => await RunningAsync(d) is { Length: 2 } two && !two.Contains(first[0]) ? two : null, "a replacement");
        Assert.All(now, n => Assert.StartsWith("frontend-", n));
        var (_, rs, _) = await d.Sup("get", "rs", "frontend", "-o", "json");
        Assert.Equal(2, JsonDocument.Parse(rs).RootElement.GetProperty("status").GetProperty("replicas").GetInt32());
        Assert.Equal(0, await d.StopAsync());
    }

    private static async Task<string[]> RunningAsync(SupDaemon d)
    {
        var (_, output, _) = await d.Sup("get", "pods", "-l", "tier=frontend", "-o", "json");
        return [.. JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray()
            .Where(p => !p.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _)
                && p.GetProperty("status").TryGetProperty("phase", out var phase) && phase.GetString() == "Running")
            .Select(p => p.GetProperty("metadata").GetProperty("name").GetString()!)];
    }
}
