namespace MiniKube.Sup.Spec;

/// <summary>One thing a pod waits for (<see cref="SupAnnotations.WaitFor"/>): a Service with a Ready endpoint, a
/// workload with all its replicas Ready, a pod Ready, or a Job Complete.</summary>
public sealed record WaitForTarget(string Kind, string Name, string Condition)
{
    public const string Ready = "Ready";
    public const string Complete = "Complete";

    /// <summary>As the annotation writes it: <c>svc/db</c>, <c>job/migrate=Complete</c>.</summary>
    public override string ToString() => $"{WaitForTargets.Short(Kind)}/{Name}{(Condition == WaitForTargets.DefaultCondition(Kind) ? "" : "=" + Condition)}";
}

/// <summary>Reads <see cref="SupAnnotations.WaitFor"/>'s value: comma-separated <c>KIND/NAME</c> or
/// <c>KIND/NAME=CONDITION</c>, the kinds as kubectl names them.</summary>
public static class WaitForTargets
{
    private static readonly Dictionary<string, string> KindsByName = new(StringComparer.Ordinal)
    {
        ["svc"] = "Service", ["service"] = "Service",
        ["sts"] = "StatefulSet", ["statefulset"] = "StatefulSet",
        ["deploy"] = "Deployment", ["deployment"] = "Deployment",
        ["ds"] = "DaemonSet", ["daemonset"] = "DaemonSet",
        ["rs"] = "ReplicaSet", ["replicaset"] = "ReplicaSet",
        ["job"] = "Job",
        ["po"] = "Pod", ["pod"] = "Pod",
    };

    public static string DefaultCondition(string kind) => kind == "Job" ? WaitForTarget.Complete : WaitForTarget.Ready;

    public static string Short(string kind) => kind switch
    {
        "Service" => "svc",
        "StatefulSet" => "statefulset",
        "Deployment" => "deploy",
        "DaemonSet" => "daemonset",
        "ReplicaSet" => "replicaset",
        "Job" => "job",
        _ => "pod",
    };

    /// <returns>the targets, or the first problem (a sentence) and no targets</returns>
    public static (IReadOnlyList<WaitForTarget> Targets, string? Problem) Parse(string? value)
    {
        var targets = new List<WaitForTarget>();
        foreach (var raw in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) continue;
            var (reference, condition) = raw.IndexOf('=') is >= 0 and var eq ? (raw[..eq], raw[(eq + 1)..]) : (raw, null);
            var slash = reference.IndexOf('/');
            if (slash <= 0 || slash == reference.Length - 1)
                return ([], $"\"{raw}\" is not KIND/NAME (e.g. svc/db, statefulset/db, deploy/api, job/migrate=Complete)");
            if (!KindsByName.TryGetValue(reference[..slash].ToLowerInvariant(), out var kind))
                return ([], $"\"{raw}\": unknown kind \"{reference[..slash]}\" (allowed: svc, statefulset, deploy, daemonset, replicaset, job, pod)");
            var name = reference[(slash + 1)..];
            if (NameRules.Dns1123Subdomain(name) is { } bad) return ([], $"\"{raw}\": \"{name}\" is not a valid name: {bad}");
            condition ??= DefaultCondition(kind);
            var allowed = kind == "Job" ? WaitForTarget.Complete : WaitForTarget.Ready;
            if (condition != allowed)
                return ([], $"\"{raw}\": a {kind} is waited for until {allowed}, not \"{condition}\"");
            targets.Add(new WaitForTarget(kind, name, condition));
        }
        return targets.Count == 0 ? ([], "names nothing to wait for (e.g. svc/db)") : (targets, null);
    }
}
