using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Client.Output;
using MiniKube.Sup.Printing;
using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>sup describe KIND/NAME: spec summary, status, conditions, and recent events, laid out as kubectl
/// describe does for pods, Services, Secrets, ConfigMaps, Namespaces, the workloads (<see cref="WorkloadDescription"/>),
/// claims, Endpoints and ServiceAccounts (<see cref="ObjectDescription"/>), Events and ControllerRevisions as kubectl's
/// generic describer does (<see cref="GenericDescription"/>); other kinds show their object as YAML and their events.</summary>
internal static class DescribeCommand
{
    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND/NAME or KIND NAME", Arity = ArgumentArity.OneOrMore };
        var command = SupCommands.Describe.Create();
        command.Arguments.Add(what);
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, names, error) = KindArgument.Parse(parse.GetValue(what)!);
            if (kind is null) throw ClientCommand.Usage(error!);
            if (names.Count == 0)
            {
                using var list = JsonDocument.Parse(await client.GetJsonAsync(kind, null).ConfigureAwait(false));
                names = list.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!).ToList();
            }
            var first = true;
            foreach (var name in names)
            {
                if (!first) Console.Out.WriteLine();
                first = false;
                var json = await client.GetJsonAsync(kind, name).ConfigureAwait(false);
                var events = await client.GetJsonAsync(Kinds.Event, null,
                    "fieldSelector=" + Uri.EscapeDataString($"involvedObject.name={name},involvedObject.kind={kind.Kind}")).ConfigureAwait(false);
                string text;
                if (kind == Kinds.Pod)
                {
                    var pod = KubernetesJson.Deserialize<V1Pod>(json);
                    var (_, volumes, _) = await client.SendAsync(HttpMethod.Get, "sup/v1/volumes?pod=" + Uri.EscapeDataString(name) + "&namespace=" + Uri.EscapeDataString(client.Namespace)).ConfigureAwait(false);
                    if (volumes.Length > 0) (pod.Metadata.Annotations ??= new Dictionary<string, string>())[Volumes.VolumeAnnotation.Key] = volumes;
                    text = DescribePod(pod, events, DateTime.UtcNow);
                }
                else if (kind == Kinds.Service)
                {
                    var (found, endpoints, _) = await client.SendAsync(HttpMethod.Get, client.Path(Kinds.Endpoints, name)).ConfigureAwait(false);
                    text = ServiceDescription.Describe(KubernetesJson.Deserialize<V1Service>(json),
                        found == System.Net.HttpStatusCode.OK ? KubernetesJson.Deserialize<V1Endpoints>(endpoints) : null) + Events(events, DateTime.UtcNow);
                }
                else if (kind == Kinds.Secret) text = DescribeSecret(KubernetesJson.Deserialize<V1Secret>(json));
                else if (kind == Kinds.PersistentVolumeClaim)
                    text = ObjectDescription.Claim(KubernetesJson.Deserialize<V1PersistentVolumeClaim>(json), ClaimUsers(await client.GetJsonAsync(Kinds.Pod, null).ConfigureAwait(false), name))
                        + Events(events, DateTime.UtcNow);
                else if (kind == Kinds.Endpoints) text = ObjectDescription.Endpoints(KubernetesJson.Deserialize<V1Endpoints>(json)) + Events(events, DateTime.UtcNow);
                else if (kind == Kinds.ServiceAccount) text = ObjectDescription.ServiceAccount(KubernetesJson.Deserialize<V1ServiceAccount>(json)) + Events(events, DateTime.UtcNow);
                else if (kind == Kinds.Ingress)
                    text = WithEvents(IngressDescription.Ingress(KubernetesJson.Deserialize<V1Ingress>(json),
                        await ByName<V1Service>(client, Kinds.Service).ConfigureAwait(false), await ByName<V1Endpoints>(client, Kinds.Endpoints).ConfigureAwait(false)), events);
                // kubectl shows no events for these two.
                else if (kind == Kinds.LimitRange) text = QuotaDescription.LimitRange(KubernetesJson.Deserialize<V1LimitRange>(json));
                else if (kind == Kinds.ResourceQuota) text = QuotaDescription.ResourceQuota(KubernetesJson.Deserialize<V1ResourceQuota>(json));
                else if (Written(kind, json) is { } writer) text = WithEvents(writer, events);
                else if (kind == Kinds.Namespace)
                    text = WorkloadDescription.Namespace(KubernetesJson.Deserialize<V1Namespace>(json),
                        await InNamespace<V1ResourceQuota>(client, Kinds.ResourceQuota, name).ConfigureAwait(false),
                        // kubectl shows no events for a namespace.
                        await InNamespace<V1LimitRange>(client, Kinds.LimitRange, name).ConfigureAwait(false));
                else if (kind == Kinds.Event || kind == Kinds.ControllerRevision)
                {
                    using var doc = JsonDocument.Parse(json);
                    text = WithEvents(GenericDescription.Describe(doc.RootElement), events);
                }
                else if (Described(kind, json) is { } other) text = other + Events(events, DateTime.UtcNow);
                else text = WorkloadDescription.Describe(kind.FromJson(json), DateTime.UtcNow) is { } described
                    ? described + Events(events, DateTime.UtcNow)
                    : DescribeOther(json, events, DateTime.UtcNow);
                // Values are escaped where they are written; this catches any the layout writes as they are.
                Console.Out.Write(ControlCharacters.EscapeKeepingLines(text));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The kinds laid out by <see cref="RbacDescription"/>, <see cref="PolicyDescription"/> and <see cref="NetworkPolicyDescription"/>; null for the others.</summary>
    private static string? Described(KindInfo kind, string json)
    {
        if (kind == Kinds.Role) { var r = KubernetesJson.Deserialize<V1Role>(json); return RbacDescription.Role(r.Metadata, r.Rules); }
        if (kind == Kinds.ClusterRole) { var r = KubernetesJson.Deserialize<V1ClusterRole>(json); return RbacDescription.Role(r.Metadata, r.Rules); }
        if (kind == Kinds.RoleBinding) { var b = KubernetesJson.Deserialize<V1RoleBinding>(json); return RbacDescription.Binding(b.Metadata, b.RoleRef, b.Subjects); }
        if (kind == Kinds.ClusterRoleBinding) { var b = KubernetesJson.Deserialize<V1ClusterRoleBinding>(json); return RbacDescription.Binding(b.Metadata, b.RoleRef, b.Subjects); }
        if (kind == Kinds.PodDisruptionBudget) return PolicyDescription.DisruptionBudget(KubernetesJson.Deserialize<V1PodDisruptionBudget>(json));
        if (kind == Kinds.NetworkPolicy) return NetworkPolicyDescription.Describe(KubernetesJson.Deserialize<V1NetworkPolicy>(json));
        return null;
    }

    /// <summary>The kinds laid out through a <see cref="DescribeWriter"/>, whose events join its last column block as
    /// kubectl's do; null for the others.</summary>
    private static DescribeWriter? Written(KindInfo kind, string json)
    {
        if (kind == Kinds.StorageClass) return StorageDescription.StorageClass(KubernetesJson.Deserialize<V1StorageClass>(json));
        if (kind == Kinds.PersistentVolume) return StorageDescription.PersistentVolume(KubernetesJson.Deserialize<V1PersistentVolume>(json));
        if (kind == Kinds.PriorityClass) return PolicyDescription.PriorityClass(KubernetesJson.Deserialize<V1PriorityClass>(json));
        if (kind == Kinds.IngressClass) return IngressDescription.IngressClass(KubernetesJson.Deserialize<V1IngressClass>(json));
        if (kind == Kinds.HorizontalPodAutoscaler) return AutoscalerDescription.Describe(KubernetesJson.Deserialize<V2HorizontalPodAutoscaler>(json));
        return null;
    }

    public static string DescribePod(V1Pod pod, string eventsJson, DateTime now)
    {
        var t = new StringBuilder();
        var status = pod.Status ?? new V1PodStatus();
        Line(t, 0, "Name:", pod.Metadata.Name);
        Line(t, 0, "Namespace:", pod.Metadata.NamespaceProperty ?? "default");
        Line(t, 0, "Node:", pod.Spec.NodeName ?? "<none>");
        Line(t, 0, "Start Time:", status.StartTime is { } st ? Time(st) : "<unset>");
        Line(t, 0, "Labels:", Map(pod.Metadata.Labels));
        Line(t, 0, "Annotations:", Map(pod.Metadata.Annotations));
        Line(t, 0, "Status:", pod.Metadata.DeletionTimestamp is not null ? "Terminating" : status.Phase ?? "Pending");
        Line(t, 0, "IP:", status.PodIP ?? "");
        Line(t, 0, "Restart Policy:", pod.Spec.RestartPolicy ?? "Always");
        Line(t, 0, "Termination Grace:", $"{pod.Spec.TerminationGracePeriodSeconds ?? 30}s");
        if (pod.Spec.InitContainers is { Count: > 0 } init)
        {
            t.Append("Init Containers:\n");
            foreach (var c in init) Container(t, pod, c, status.InitContainerStatuses?.FirstOrDefault(s => s.Name == c.Name), eventsJson);
        }
        t.Append("Containers:\n");
        foreach (var c in pod.Spec.Containers) Container(t, pod, c, status.ContainerStatuses?.FirstOrDefault(s => s.Name == c.Name), eventsJson);
        t.Append("Conditions:\n  Type              Status\n");
        foreach (var c in status.Conditions ?? []) t.Append($"  {c.Type,-17} {c.Status}{(c.Reason is null ? "" : $" ({c.Reason})")}\n");
        t.Append(VolumeDescription.Volumes(pod));
        t.Append(Events(eventsJson, now));
        return t.ToString();
    }

    private static void Container(StringBuilder t, V1Pod pod, V1Container c, V1ContainerStatus? s, string eventsJson)
    {
        t.Append($"  {c.Name}:\n");
        Line(t, 4, "Container ID:", s?.ContainerID ?? "");
        Line(t, 4, "Image:", c.Image ?? "<none> (host process)");
        if (c.Command is { Count: > 0 }) { t.Append("    Command:\n"); foreach (var a in c.Command) t.Append($"      {ControlCharacters.Escape(a)}\n"); }
        if (c.Args is { Count: > 0 }) { t.Append("    Args:\n"); foreach (var a in c.Args) t.Append($"      {ControlCharacters.Escape(a)}\n"); }
        if (c.WorkingDir is { } wd) Line(t, 4, "Working Dir:", wd);
        State(t, "State:", s?.State);
        if (s?.LastState?.Terminated is not null) State(t, "Last State:", s.LastState);
        Line(t, 4, "Ready:", s?.Ready == true ? "True" : "False");
        Line(t, 4, "Restart Count:", (s?.RestartCount ?? 0).ToString(CultureInfo.InvariantCulture));
        t.Append(LimitsDescription.Limits(c, eventsJson));
        foreach (var (probe, label) in new[] { (c.LivenessProbe, "Liveness:"), (c.ReadinessProbe, "Readiness:"), (c.StartupProbe, "Startup:") })
            if (probe is not null) Line(t, 4, label, Probe(probe));
        if (c.Env is not { Count: > 0 }) Line(t, 4, "Environment:", "<none>");
        else
        {
            t.Append("    Environment:\n");
            foreach (var e in c.Env) t.Append($"      {ControlCharacters.Escape(e.Name)}:  {ControlCharacters.Escape(VolumeDescription.EnvValue(e))}\n");
        }
        t.Append(VolumeDescription.EnvFrom(c));
        t.Append(VolumeDescription.Mounts(pod, c));
    }

    private static void State(StringBuilder t, string label, V1ContainerState? state)
    {
        if (state?.Running is { } r) { Line(t, 4, label, "Running"); Line(t, 6, "Started:", r.StartedAt is { } at ? Time(at) : ""); }
        else if (state?.Terminated is { } x)
        {
            Line(t, 4, label, "Terminated");
            Line(t, 6, "Reason:", x.Reason ?? "");
            if (x.Message is { } msg) Line(t, 6, "Message:", msg);
            Line(t, 6, "Exit Code:", x.ExitCode.ToString(CultureInfo.InvariantCulture));
            if (x.Signal is { } sig) Line(t, 6, "Signal:", sig.ToString(CultureInfo.InvariantCulture));
            Line(t, 6, "Started:", x.StartedAt is { } s ? Time(s) : "");
            Line(t, 6, "Finished:", x.FinishedAt is { } f ? Time(f) : "");
        }
        else
        {
            Line(t, 4, label, "Waiting");
            if (state?.Waiting?.Reason is { } reason) Line(t, 6, "Reason:", reason);
            if (state?.Waiting?.Message is { } message) Line(t, 6, "Message:", message);
        }
    }

    private static string Probe(V1Probe p)
    {
        var handler = p.Exec is { } e ? $"exec [{string.Join(" ", e.Command ?? [])}]"
            : p.HttpGet is { } h ? $"http-get {h.Scheme?.ToLowerInvariant() ?? "http"}://{h.Host ?? ""}:{h.Port}{h.Path}"
            : p.TcpSocket is { } s ? $"tcp-socket {s.Host ?? ""}:{s.Port}"
            : p.Grpc is { } g ? $"grpc <pod>:{g.Port}" : "<none>";
        return $"{handler} delay={p.InitialDelaySeconds ?? 0}s timeout={p.TimeoutSeconds ?? 1}s period={p.PeriodSeconds ?? 10}s #success={p.SuccessThreshold ?? 1} #failure={p.FailureThreshold ?? 3}";
    }

    /// <summary>kubectl describe secret: the values are never shown, only their sizes (a service account token
    /// excepted, as kubectl does).</summary>
    public static string DescribeSecret(V1Secret secret)
    {
        var t = new StringBuilder();
        var labels = new List<(string, string)>
        {
            ("Name:", secret.Metadata.Name),
            ("Namespace:", secret.Metadata.NamespaceProperty ?? "default"),
            ("Labels:", Map(secret.Metadata.Labels, 14)),
            ("Annotations:", Map(secret.Metadata.Annotations, 14)),
        };
        Aligned(t, labels);
        t.Append('\n');
        Aligned(t, [("Type:", secret.Type ?? "Opaque")]);
        t.Append("\nData\n====\n");
        Aligned(t, (secret.Data ?? new Dictionary<string, byte[]>()).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key + ":", e.Key == "token" && secret.Type == "kubernetes.io/service-account-token"
                ? Encoding.UTF8.GetString(e.Value ?? [])
                : $"{(e.Value ?? []).Length} bytes"))
            .ToList());
        return t.ToString();
    }

    /// <summary>A block of label/value lines as Go's tabwriter lays out kubectl describe (padding 2).</summary>
    private static void Aligned(StringBuilder t, IReadOnlyList<(string Label, string Value)> lines)
    {
        var width = lines.Count == 0 ? 0 : lines.Max(l => ControlCharacters.Escape(l.Label).Length) + 2;
        foreach (var (label, value) in lines) t.Append(ControlCharacters.Escape(label).PadRight(width)).Append(value).Append('\n');
    }

    /// <summary>The namespace's objects of a kind, by name.</summary>
    private static async Task<IReadOnlyDictionary<string, T>> ByName<T>(SupClient client, KindInfo kind) where T : IKubernetesObject<V1ObjectMeta>
    {
        using var list = JsonDocument.Parse(await client.GetJsonAsync(kind, null).ConfigureAwait(false));
        return list.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => KubernetesJson.Deserialize<T>(i.GetRawText()))
            .ToDictionary(o => o.Metadata.Name, StringComparer.Ordinal);
    }

    /// <summary>The objects of a kind in namespace <paramref name="ns"/>, in the API's order.</summary>
    private static async Task<List<T>> InNamespace<T>(SupClient client, KindInfo kind, string ns)
    {
        var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(kind, ns: ns)).ConfigureAwait(false);
        if (status != System.Net.HttpStatusCode.OK) throw ApiException.From(status, body);
        using var list = JsonDocument.Parse(body);
        return list.RootElement.GetProperty("items").EnumerateArray().Select(i => KubernetesJson.Deserialize<T>(i.GetRawText())).ToList();
    }

    /// <summary>The pods whose volumes name claim <paramref name="claim"/>.</summary>
    private static List<string> ClaimUsers(string podsJson, string claim)
    {
        using var doc = JsonDocument.Parse(podsJson);
        var users = new List<string>();
        foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            if (!pod.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("volumes", out var volumes)) continue;
            if (volumes.EnumerateArray().Any(v => v.TryGetProperty("persistentVolumeClaim", out var c) && c.TryGetProperty("claimName", out var n) && n.GetString() == claim))
                users.Add(pod.GetProperty("metadata").GetProperty("name").GetString()!);
        }
        return users;
    }

    private static string DescribeOther(string json, string eventsJson, DateTime now) =>
        YamlOutput.FromJson(json) + Events(eventsJson, now);

    /// <summary>DescribeEvents: "Events:\t&lt;none&gt;" is a line of the writer's last column block; a table of events
    /// starts a block of its own.</summary>
    private static string WithEvents(DescribeWriter writer, string eventsJson)
    {
        using var doc = JsonDocument.Parse(eventsJson);
        return doc.RootElement.GetProperty("items").GetArrayLength() == 0
            ? writer.Write(0, "Events:\t<none>\n").ToString()
            : writer + Events(eventsJson, DateTime.UtcNow);
    }

    private static string Events(string eventsJson, DateTime now)
    {
        using var doc = JsonDocument.Parse(eventsJson);
        var items = doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => KubernetesJson.Deserialize<Corev1Event>(e.GetRawText()))
            .OrderBy(e => e.LastTimestamp ?? e.FirstTimestamp)
            // Within one second, in the order they were recorded.
            .ThenBy(e => long.TryParse(e.Metadata?.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : long.MaxValue)
            .ToList();
        if (items.Count == 0) return "Events:            <none>\n";
        var rows = items.Select(e => new List<string>
        {
            e.Type ?? "",
            e.Reason ?? "",
            (e.Count ?? 1) > 1 && e.FirstTimestamp is { } first
                ? $"{HumanDuration.Format(now - (e.LastTimestamp ?? first))} (x{e.Count} over {HumanDuration.Format(now - first)})"
                : HumanDuration.Format(now - (e.LastTimestamp ?? e.FirstTimestamp ?? now)),
            e.Source?.Component ?? "sup",
            e.Message ?? "",
        }).ToList();
        var table = TablePrinter.Format(["Type", "Reason", "Age", "From", "Message"], rows);
        return "Events:\n" + string.Join("", table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l + "\n"));
    }

    private static void Line(StringBuilder t, int indent, string label, string value) =>
        t.Append(new string(' ', indent)).Append(label.PadRight(Math.Max(18 - indent, label.Length + 1))).Append(value).Append('\n');

    private static string Map(IDictionary<string, string>? map, int indent = 18) =>
        map is { Count: > 0 } ? string.Join("\n" + new string(' ', indent), map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ControlCharacters.Escape($"{kv.Key}={kv.Value}"))) : "<none>";

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
}
