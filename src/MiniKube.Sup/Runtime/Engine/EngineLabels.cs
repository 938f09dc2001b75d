using System.Globalization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// What every pod and container the daemon makes in an engine is named and labelled. <see cref="Daemon"/> holds the
/// daemon's id (the one that names its cgroup tree and marks its host processes: a hash of its state dir), so that
/// a daemon finds what it made, after a crash too, and never touches what another daemon made.
/// </summary>
public static class EngineLabels
{
    public const string Daemon = "sup.daemon";
    public const string Namespace = "sup.namespace";
    public const string Pod = "sup.pod";
    public const string PodUid = "sup.pod-uid";
    public const string Container = "sup.container";

    /// <summary>The filter that lists what daemon <paramref name="daemonId"/> made.</summary>
    public static string Filter(string daemonId) => $"label={Daemon}={daemonId}";

    /// <summary>sup-&lt;daemon&gt;_&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;: unique per pod object (a pod made again
    /// under the same name has a new uid), and per daemon.</summary>
    public static string PodName(string daemonId, string ns, string pod, string uid) =>
        $"sup-{daemonId}_{ns}_{pod}_{Short(uid)}";

    /// <summary>The pod's name, then the container's and its instance: every instance is a container of its own.</summary>
    public static string ContainerName(string podName, string container, int instance) =>
        $"{podName}_{container}_{instance.ToString(CultureInfo.InvariantCulture)}";

    public static string InfraName(string podName) => podName + "_infra";

    public static IEnumerable<string> PodLabels(string daemonId, string ns, string pod, string uid) =>
    [
        "--label", $"{Daemon}={daemonId}",
        "--label", $"{Namespace}={ns}",
        "--label", $"{Pod}={pod}",
        "--label", $"{PodUid}={uid}",
    ];

    private static string Short(string uid) => uid.Length > 8 ? uid[..8] : uid.Length == 0 ? "0" : uid;
}
