using System.Globalization;

namespace MiniKube.Sup.Spec;

/// <summary>Every <c>sup.minikube.io/</c> annotation (sup's extensions to the Kubernetes model, SPEC §3), and how each
/// one's value is read: the validator and the engine ask here, so that what loads is what runs.</summary>
public static class SupAnnotations
{
    public const string Prefix = "sup.minikube.io/";

    /// <summary>On a pod (template): <c>host</c> runs the containers' commands as host processes, not in a container
    /// engine.</summary>
    public const string Runtime = Prefix + "runtime";

    /// <summary>The one value <see cref="Runtime"/> takes.</summary>
    public const string HostRuntime = "host";

    /// <summary>On a Job's pod (template): how long a step may run before it is hung, in whole seconds; the pod-wide
    /// default, and per container as <c>sup.minikube.io/step-timeout-seconds.&lt;container&gt;</c>.</summary>
    public const string StepTimeoutSeconds = Prefix + "step-timeout-seconds";

    /// <summary>Set by the daemon on the pods it runs: where each volume lives on the host (Volumes.VolumeAnnotation
    /// writes and reads the value).</summary>
    public const string Volumes = Prefix + "volumes";

    /// <summary>On a host pod (template): "true" gives its containers a mount namespace of their own, with the pod's
    /// /etc/hosts (the Services' names), even when no volume mount asks for one.</summary>
    public const string Isolate = Prefix + "isolate";

    /// <summary>On a host pod (template): "true" gives its containers a /tmp of their own (a tmpfs), which isolates them.</summary>
    public const string PrivateTmp = Prefix + "private-tmp";

    /// <summary>On a pod (template): what must be Ready (or Complete) before the pod starts, comma-separated
    /// (<c>svc/db, statefulset/db, deploy/api, job/migrate=Complete</c>): <see cref="WaitForTargets"/>.</summary>
    public const string WaitFor = Prefix + "wait-for";

    /// <summary>On a pod (template) with <see cref="WaitFor"/>: how long each target must have stayed Ready, in whole
    /// seconds (default 0), so that a database's restart after its initialisation does not release its dependants.</summary>
    public const string WaitForStableSeconds = Prefix + "wait-for-stable-seconds";

    /// <summary>The value of <see cref="WaitForStableSeconds"/> ("0", "30"), or null when it is not a whole number.</summary>
    public static TimeSpan? StableSeconds(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>On a pod (template): files whose change restarts the pod's containers (a rolling restart for a
    /// workload), as comma-separated globs (<c>src/**, config/*.yaml</c>) relative to the daemon's working directory.</summary>
    public const string RestartOnChange = Prefix + "restart-on-change";

    /// <summary>Set on a bare Pod by the file watch (<see cref="RestartOnChange"/>): a new value restarts its
    /// containers in place.</summary>
    public const string RestartedAt = Prefix + "restarted-at";

    public static bool IsTrue(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var value) && value == "true";

    public static string? RuntimeOf(IDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(Runtime, out var runtime) ? runtime : null;

    /// <summary>The step timeout of <paramref name="container"/>: its own annotation, else the pod's; null when neither
    /// is set (or valid: the validator reports those).</summary>
    public static TimeSpan? StepTimeout(IDictionary<string, string>? annotations, string container)
    {
        if (annotations is null) return null;
        if (!annotations.TryGetValue(StepTimeoutKey(container), out var text) && !annotations.TryGetValue(StepTimeoutSeconds, out text)) return null;
        return WholeSeconds(text);
    }

    public static string StepTimeoutKey(string container) => $"{StepTimeoutSeconds}.{container}";

    /// <summary>The container a per-container step timeout key names, or null for any other key.</summary>
    public static string? StepTimeoutContainer(string key) =>
        key.StartsWith(StepTimeoutSeconds + ".", StringComparison.Ordinal) ? key[(StepTimeoutSeconds.Length + 1)..] : null;

    /// <summary>A number of seconds as these annotations write it ("300"): whole and greater than zero, else null.</summary>
    public static TimeSpan? WholeSeconds(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1 ? TimeSpan.FromSeconds(seconds) : null;
}
