using System.Text;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Manifests of many one-container pods for the reliability tests. Most run `sleep` (cheap to restart
/// hundreds of times); a few run testapp, the .NET child, so a heavier start is in the mix too.</summary>
internal static class ReliabilityManifests
{
    public static string Pods(int count, int testApps = 0, Func<int, string>? containerExtra = null)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var command = i < testApps ? "[\"TESTAPP\"]" : "[\"sleep\", \"infinity\"]";
            text.Append($"""
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {Name(i)}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: app
                      command: {command}

                """);
            // Hook for per-container additions (e.g. probes, once a soak with probes is wanted).
            if (containerExtra is not null) text.Append(containerExtra(i));
        }
        return text.ToString();
    }

    public static string Name(int i) => $"p{i:D3}";

    public static IReadOnlyList<string> Names(int count) => Enumerable.Range(0, count).Select(Name).ToList();
}
