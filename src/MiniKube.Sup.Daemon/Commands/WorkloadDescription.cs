using System.Globalization;
using System.Text;
using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for ConfigMaps, Namespaces (<see cref="Namespace"/>) and the workloads (ReplicationControllers
/// too): their fields,
/// replica or pod counts, conditions and pod template, in kubectl's words. The events follow (written by the caller).</summary>
internal static class WorkloadDescription
{
    public static string? Describe(object obj, DateTime now) => obj switch
    {
        V1ConfigMap m => ConfigMap(m),
        V1Deployment d => Deployment(d),
        V1StatefulSet s => StatefulSet(s),
        V1ReplicaSet r => ReplicaSet(r),
        V1ReplicationController rc => ReplicationController(rc),
        V1DaemonSet ds => DaemonSet(ds),
        V1Job j => Job(j, now),
        V1CronJob c => CronJob(c),
        _ => null,
    };

    private static string ConfigMap(V1ConfigMap map)
    {
        var t = new StringBuilder();
        Block(t, [("Name:", map.Metadata.Name), ("Namespace:", Ns(map.Metadata)), ("Labels:", Map(map.Metadata.Labels, 14)), ("Annotations:", Map(map.Metadata.Annotations, 14))]);
        t.Append("\nData\n====\n");
        foreach (var (key, value) in (map.Data ?? new Dictionary<string, string>()).OrderBy(e => e.Key, StringComparer.Ordinal))
            t.Append(ControlCharacters.Escape(key)).Append(":\n----\n").Append(ControlCharacters.EscapeKeepingLines(value)).Append("\n\n");
        t.Append("\nBinaryData\n====\n");
        foreach (var (key, value) in (map.BinaryData ?? new Dictionary<string, byte[]>()).OrderBy(e => e.Key, StringComparer.Ordinal))
            t.Append(ControlCharacters.Escape(key)).Append($": {value.Length} bytes\n");
        t.Append('\n');
        return t.ToString();
    }

    /// <summary>kubectl describe namespace: its fields, then its ResourceQuotas and LimitRanges.</summary>
    public static string Namespace(V1Namespace ns, IReadOnlyList<V1ResourceQuota> quotas, IReadOnlyList<V1LimitRange> ranges)
    {
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{ns.Metadata.Name}\n")
            .Labels("Labels", ns.Metadata.Labels)
            .Annotations("Annotations", ns.Metadata.Annotations)
            .Write(0, $"Status:\t{ns.Status?.Phase ?? "Active"}\n");
        return QuotaDescription.InNamespace(w, quotas, ranges).ToString();
    }

    private static string Deployment(V1Deployment d)
    {
        var t = new StringBuilder();
        var spec = d.Spec;
        var s = d.Status ?? new V1DeploymentStatus();
        var desired = spec.Replicas ?? 1;
        var lines = Header(d.Metadata);
        lines.Add(("Selector:", Tables.Selector(spec.Selector)));
        lines.Add(("Replicas:", $"{desired} desired | {s.UpdatedReplicas ?? 0} updated | {s.Replicas ?? 0} total | {s.AvailableReplicas ?? 0} available | {s.UnavailableReplicas ?? 0} unavailable"));
        lines.Add(("StrategyType:", spec.Strategy?.Type ?? "RollingUpdate"));
        lines.Add(("MinReadySeconds:", (spec.MinReadySeconds ?? 0).ToString(CultureInfo.InvariantCulture)));
        if ((spec.Strategy?.Type ?? "RollingUpdate") == "RollingUpdate")
            lines.Add(("RollingUpdateStrategy:", $"{spec.Strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "25%"} max unavailable, {spec.Strategy?.RollingUpdate?.MaxSurge?.Value ?? "25%"} max surge"));
        Block(t, lines);
        Template(t, spec.Template);
        Conditions(t, (s.Conditions ?? []).Select(c => (c.Type, c.Status, (string?)c.Reason)));
        return t.ToString();
    }

    private static string StatefulSet(V1StatefulSet set)
    {
        var t = new StringBuilder();
        var spec = set.Spec;
        var s = set.Status ?? new V1StatefulSetStatus();
        var lines = Header(set.Metadata);
        lines.Add(("Selector:", Tables.Selector(spec.Selector)));
        lines.Add(("Replicas:", $"{spec.Replicas ?? 1} desired | {s.Replicas} total"));
        lines.Add(("Update Strategy:", spec.UpdateStrategy?.Type ?? "RollingUpdate"));
        if (spec.UpdateStrategy?.RollingUpdate?.Partition is { } partition) lines.Add(("  Partition:", partition.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Pods Status:", $"{s.ReadyReplicas ?? 0} Running / 0 Waiting / 0 Succeeded / 0 Failed"));
        Block(t, lines);
        Template(t, spec.Template);
        if (spec.VolumeClaimTemplates is { Count: > 0 } claims)
        {
            t.Append("Volume Claims:\n");
            foreach (var claim in claims)
            {
                Block(t, [("Name:", claim.Metadata?.Name ?? ""), ("StorageClass:", claim.Spec?.StorageClassName ?? ""),
                    ("Capacity:", claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var q) == true ? q.ToString() : ""),
                    ("Access Modes:", string.Join(",", claim.Spec?.AccessModes ?? []))], indent: 2);
            }
        }
        else t.Append("Volume Claims:    <none>\n");
        return t.ToString();
    }

    private static string ReplicaSet(V1ReplicaSet rs)
    {
        var t = new StringBuilder();
        var lines = Header(rs.Metadata);
        lines.Add(("Selector:", Tables.Selector(rs.Spec.Selector)));
        lines.Add(("Replicas:", $"{rs.Status?.Replicas ?? 0} current / {rs.Spec.Replicas ?? 1} desired"));
        lines.Add(("Pods Status:", $"{rs.Status?.ReadyReplicas ?? 0} Running / 0 Waiting / 0 Succeeded / 0 Failed"));
        if (rs.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner) lines.Insert(4, ("Controlled By:", $"{owner.Kind}/{owner.Name}"));
        Block(t, lines);
        Template(t, rs.Spec.Template);
        return t.ToString();
    }

    private static string ReplicationController(V1ReplicationController rc)
    {
        var t = new StringBuilder();
        var lines = Header(rc.Metadata);
        lines.Insert(2, ("Selector:", rc.Spec.Selector is { Count: > 0 } selector ? string.Join(",", selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>"));
        lines.RemoveAt(3); // no CreationTimestamp in kubectl's layout for a ReplicationController
        lines.Add(("Replicas:", $"{rc.Status?.Replicas ?? 0} current / {rc.Spec.Replicas ?? 1} desired"));
        lines.Add(("Pods Status:", $"{rc.Status?.ReadyReplicas ?? 0} Running / 0 Waiting / 0 Succeeded / 0 Failed"));
        Block(t, lines);
        Template(t, rc.Spec.Template);
        return t.ToString();
    }

    private static string DaemonSet(V1DaemonSet ds)
    {
        var t = new StringBuilder();
        var s = ds.Status ?? new V1DaemonSetStatus();
        var lines = Header(ds.Metadata);
        lines.Add(("Selector:", Tables.Selector(ds.Spec.Selector)));
        lines.Add(("Desired Number of Nodes Scheduled:", s.DesiredNumberScheduled.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Current Number of Nodes Scheduled:", s.CurrentNumberScheduled.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Number of Nodes Scheduled with Up-to-date Pods:", (s.UpdatedNumberScheduled ?? 0).ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Number of Nodes Scheduled with Available Pods:", (s.NumberAvailable ?? 0).ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Number of Nodes Misscheduled:", s.NumberMisscheduled.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Pods Status:", $"{s.NumberReady} Running / 0 Waiting / 0 Succeeded / 0 Failed"));
        Block(t, lines);
        Template(t, ds.Spec.Template);
        return t.ToString();
    }

    private static string Job(V1Job job, DateTime now)
    {
        var t = new StringBuilder();
        var spec = job.Spec;
        var s = job.Status ?? new V1JobStatus();
        var lines = new List<(string, string)>
        {
            ("Name:", job.Metadata.Name),
            ("Namespace:", Ns(job.Metadata)),
            ("Selector:", Tables.Selector(spec.Selector)),
            ("Labels:", Map(job.Metadata.Labels, 18)),
            ("Annotations:", Map(job.Metadata.Annotations, 18)),
        };
        if (job.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner) lines.Add(("Controlled By:", $"{owner.Kind}/{owner.Name}"));
        lines.Add(("Parallelism:", (spec.Parallelism ?? 1).ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Completions:", spec.Completions is { } c ? c.ToString(CultureInfo.InvariantCulture) : "<unset>"));
        lines.Add(("Completion Mode:", spec.CompletionMode ?? "NonIndexed"));
        lines.Add(("Suspend:", spec.Suspend == true ? "true" : "false"));
        lines.Add(("Backoff Limit:", (spec.BackoffLimit ?? 6).ToString(CultureInfo.InvariantCulture)));
        if (spec.ActiveDeadlineSeconds is { } deadline) lines.Add(("Active Deadline Seconds:", $"{deadline}s"));
        if (s.StartTime is { } start)
        {
            lines.Add(("Start Time:", Time(start)));
            if (s.CompletionTime is { } done)
            {
                lines.Add(("Completed At:", Time(done)));
                lines.Add(("Duration:", HumanDuration.Format(done - start)));
            }
            else lines.Add(("Duration:", HumanDuration.Format(now - start)));
        }
        lines.Add(("Pods Statuses:", $"{s.Active ?? 0} Active ({s.Ready ?? 0} Ready) / {s.Succeeded ?? 0} Succeeded / {s.Failed ?? 0} Failed"));
        Block(t, lines);
        Template(t, spec.Template);
        if (s.Conditions is { Count: > 0 } conditions) Conditions(t, conditions.Select(x => (x.Type, x.Status, (string?)x.Reason)));
        return t.ToString();
    }

    private static string CronJob(V1CronJob cron)
    {
        var t = new StringBuilder();
        var spec = cron.Spec;
        var lines = Header(cron.Metadata);
        lines.Add(("Schedule:", spec.Schedule));
        if (spec.TimeZone is { } zone) lines.Add(("Time Zone:", zone));
        lines.Add(("Concurrency Policy:", spec.ConcurrencyPolicy ?? "Allow"));
        lines.Add(("Suspend:", spec.Suspend == true ? "True" : "False"));
        lines.Add(("Successful Job History Limit:", (spec.SuccessfulJobsHistoryLimit ?? 3).ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Failed Job History Limit:", (spec.FailedJobsHistoryLimit ?? 1).ToString(CultureInfo.InvariantCulture)));
        lines.Add(("Starting Deadline Seconds:", spec.StartingDeadlineSeconds is { } d ? $"{d}s" : "<unset>"));
        lines.Add(("Selector:", "<unset>"));
        lines.Add(("Parallelism:", spec.JobTemplate.Spec?.Parallelism is { } p ? p.ToString(CultureInfo.InvariantCulture) : "<unset>"));
        lines.Add(("Completions:", spec.JobTemplate.Spec?.Completions is { } c ? c.ToString(CultureInfo.InvariantCulture) : "<unset>"));
        Block(t, lines);
        Template(t, spec.JobTemplate.Spec?.Template);
        Block(t, [
            ("Last Schedule Time:", cron.Status?.LastScheduleTime is { } last ? Time(last) : "<unset>"),
            ("Active Jobs:", cron.Status?.Active is { Count: > 0 } active ? string.Join(", ", active.Select(a => a.Name)) : "<none>"),
        ]);
        return t.ToString();
    }

    private static List<(string, string)> Header(V1ObjectMeta meta) =>
    [
        ("Name:", meta.Name),
        ("Namespace:", Ns(meta)),
        ("CreationTimestamp:", meta.CreationTimestamp is { } c ? Time(c) : "<unset>"),
        ("Labels:", Map(meta.Labels, 24)),
        ("Annotations:", Map(meta.Annotations, 24, separator: ": ")),
    ];

    /// <summary>kubectl's "Pod Template:" section: labels, then each container's command, ports, environment and
    /// mounts, then the volumes.</summary>
    private static void Template(StringBuilder t, V1PodTemplateSpec? template)
    {
        t.Append("Pod Template:\n");
        Block(t, [("Labels:", Map(template?.Metadata?.Labels, 11))], indent: 2);
        var spec = template?.Spec;
        foreach (var (list, title) in new[] { (spec?.InitContainers, "Init Containers:"), (spec?.Containers, "Containers:") })
        {
            if (list is not { Count: > 0 }) continue;
            t.Append("  ").Append(title).Append('\n');
            foreach (var c in list)
            {
                t.Append("   ").Append(ControlCharacters.Escape(c.Name)).Append(":\n");
                var lines = new List<(string, string)> { ("Image:", c.Image ?? "<none> (host process)") };
                foreach (var p in c.Ports ?? []) lines.Add(("Port:", $"{p.ContainerPort}/{p.Protocol ?? "TCP"}"));
                if (c.Ports is not { Count: > 0 }) lines.Add(("Port:", "<none>"));
                Block(t, lines, indent: 4);
                foreach (var (values, label) in new[] { (c.Command, "Command:"), (c.Args, "Args:") })
                {
                    if (values is not { Count: > 0 }) continue;
                    t.Append("    ").Append(label).Append('\n');
                    foreach (var v in values) t.Append("      ").Append(ControlCharacters.Escape(v)).Append('\n');
                }
                if (c.Env is not { Count: > 0 }) Block(t, [("Environment:", "<none>")], indent: 4);
                else
                {
                    t.Append("    Environment:\n");
                    foreach (var e in c.Env) t.Append("      ").Append(ControlCharacters.Escape(e.Name)).Append(":  ").Append(ControlCharacters.Escape(VolumeDescription.EnvValue(e))).Append('\n');
                }
                if (c.VolumeMounts is not { Count: > 0 }) Block(t, [("Mounts:", "<none>")], indent: 4);
                else
                {
                    t.Append("    Mounts:\n");
                    foreach (var m in c.VolumeMounts) t.Append("      ").Append(ControlCharacters.Escape($"{m.MountPath} from {m.Name} ({(m.ReadOnlyProperty == true ? "ro" : "rw")})")).Append('\n');
                }
            }
        }
        if (spec?.Volumes is not { Count: > 0 } volumes) Block(t, [("Volumes:", "<none>")], indent: 2);
        else
        {
            t.Append("  Volumes:\n");
            foreach (var v in volumes) t.Append("   ").Append(ControlCharacters.Escape(v.Name)).Append(":\n    Type:  ").Append(VolumeType(v)).Append('\n');
        }
    }

    private static string VolumeType(V1Volume v) =>
        v.EmptyDir is not null ? "EmptyDir (a temporary directory that shares a pod's lifetime)"
        : v.HostPath is { } h ? $"HostPath (bare host directory volume) {ControlCharacters.Escape(h.Path)}"
        : v.ConfigMap is { } c ? $"ConfigMap (a volume populated by a ConfigMap) {ControlCharacters.Escape(c.Name)}"
        : v.Secret is { } s ? $"Secret (a volume populated by a Secret) {ControlCharacters.Escape(s.SecretName)}"
        : v.PersistentVolumeClaim is { } p ? $"PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace) {ControlCharacters.Escape(p.ClaimName)}"
        : v.DownwardAPI is not null ? "DownwardAPI (a volume populated by information about the pod)"
        : v.Projected is not null ? "Projected (a volume that contains injected data from multiple sources)"
        : "<unknown>";

    private static void Conditions(StringBuilder t, IEnumerable<(string Type, string Status, string? Reason)> conditions)
    {
        var rows = conditions.Select(c => new List<string> { c.Type, c.Status, c.Reason ?? "" }).ToList();
        if (rows.Count == 0) return;
        var table = Client.Output.TablePrinter.Format(["Type", "Status", "Reason"], [["----", "------", "------"], .. rows]);
        t.Append("Conditions:\n").Append(string.Concat(table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.TrimEnd() + "\n")));
    }

    /// <summary>Label/value lines padded to the block's longest label plus two, as Go's tabwriter lays them out.</summary>
    private static void Block(StringBuilder t, IReadOnlyList<(string Label, string Value)> lines, int indent = 0)
    {
        var width = lines.Max(l => l.Label.Length) + 2;
        foreach (var (label, value) in lines)
            t.Append(' ', indent).Append(label.PadRight(width)).Append(ControlCharacters.EscapeKeepingLines(value)).Append('\n');
    }

    private static string Ns(V1ObjectMeta meta) => meta.NamespaceProperty ?? "default";

    /// <summary>kubectl writes labels as key=value and a workload's annotations as key: value.</summary>
    private static string Map(IDictionary<string, string>? map, int indent, string separator = "=") =>
        map is { Count: > 0 } ? string.Join("\n" + new string(' ', indent), map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ControlCharacters.Escape($"{kv.Key}{separator}{kv.Value}"))) : "<none>";

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
}
