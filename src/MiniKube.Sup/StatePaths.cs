namespace MiniKube.Sup;

/// <summary>Where things live under the state dir (default ./.sup).</summary>
public sealed class StatePaths(string stateDir)
{
    public string Root { get; } = Path.GetFullPath(stateDir);

    /// <summary>A pod's (or a claim's) name on disk: its name in namespace <c>default</c> (the layout before
    /// namespaces), <c>&lt;namespace&gt;_&lt;name&gt;</c> in any other: '_' is in no namespace or object name, so two
    /// never meet.</summary>
    public static string OnDisk(string? ns, string name) => ns is null or "default" ? name : $"{ns}_{name}";

    /// <summary>A host container with no workingDir runs here; kept across container restarts, removed with the pod.</summary>
    public string PodDirectory(string pod) => Path.Combine(Root, "pods", pod);

    /// <summary>Written when a daemon has stopped every pod itself (a normal stop), removed at the next start: without
    /// it, the last daemon was killed or stopped with --keep-running, and its pods are resumed and adopted.</summary>
    public string StoppedFile => Path.Combine(Root, "stopped");

    /// <summary>Written before a daemon first makes anything in the container engine, removed when a stop's sweep
    /// left nothing there (<see cref="Runtime.Engine.EngineUseMark"/>).</summary>
    public string EngineUsedFile => Path.Combine(Root, "engine-used");

    /// <summary>Where a pod's emptyDir, configMap and secret volumes live: inside the pod directory, so they go
    /// with the pod.</summary>
    public string PodVolumeDirectory(string pod, string volume) => Path.Combine(PodDirectory(pod), "volumes", volume);

    /// <summary>A persistentVolumeClaim's directory: outlives every pod that mounts it.</summary>
    public string VolumeDirectory(string claimName) => Path.Combine(Root, "volumes", claimName);

    /// <summary>The claim a StatefulSet's volumeClaimTemplate gives one ordinal (k8s names the PVC
    /// <c>&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>).</summary>
    public string ClaimDirectory(string template, string set, int ordinal) => VolumeDirectory(ClaimName(template, set, ordinal));

    public static string ClaimName(string template, string set, int ordinal) =>
        $"{template}-{set}-{ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Where every pod instance's logs are: <c>logs/&lt;pod on disk&gt;_&lt;uid&gt;</c>, one directory per pod
    /// instance, as the kubelet's <c>/var/log/pods/&lt;ns&gt;_&lt;name&gt;_&lt;uid&gt;</c> (a pod made again under the
    /// same name, a StatefulSet's, starts a log of its own).</summary>
    public string LogsRoot => Path.Combine(Root, "logs");

    public string PodLogDirectory(string pod, string uid) => Path.Combine(LogsRoot, $"{pod}_{uid}");

    public string LogDirectory(string pod, string uid, string container) => Path.Combine(PodLogDirectory(pod, uid), container);

    /// <summary>One file per container instance, named by its restart count, as the kubelet does.</summary>
    public string LogFile(string pod, string uid, string container, int restartCount) =>
        Logs.LogLocator.CurrentFile(LogDirectory(pod, uid, container), restartCount);

    /// <summary>A short stable id of this state dir: it prefixes the owner token of every process we start, so a
    /// later run with the same state dir can find what an earlier one left behind.</summary>
    public string DaemonId { get; } = Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..12];
}
