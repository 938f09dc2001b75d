using k8s.Models;

namespace MiniKube.Sup.Services;

/// <summary>
/// What a Service's proxy could bind, kept in the Service's status as condition <see cref="Type"/> (status.conditions,
/// which a cluster leaves to controllers), so that `sup describe svc` and any client can see it: True with the
/// addresses listened on, or False, reason FailedToListen, with what could not be bound and why.
/// </summary>
public static class ServiceListening
{
    public const string Type = "Listening";
    public const string Failed = "FailedToListen";

    /// <summary>The condition for what was bound and what failed, and how what was bound is forwarded
    /// (<see cref="ServiceProxies.Forwarding"/>); the transition time is kept from <paramref name="previous"/> when
    /// the status did not change.</summary>
    public static V1Condition Condition(IReadOnlyList<string> bound, IReadOnlyList<string> problems, V1Condition? previous, long? generation, DateTime now, string? forwarding = null)
    {
        var ok = problems.Count == 0;
        var listening = bound.Count == 0 ? Array.Empty<string>()
            : [$"listening on {string.Join(", ", bound)}" + (string.IsNullOrEmpty(forwarding) ? "" : $", forwarded in {forwarding}")];
        var message = string.Join("; ", listening.Concat(problems));
        var status = ok ? "True" : "False";
        return new V1Condition
        {
            Type = Type,
            Status = status,
            Reason = ok ? "Bound" : Failed,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = previous?.Status == status ? previous.LastTransitionTime : now,
        };
    }

    public static V1Condition? Of(V1Service service) => service.Status?.Conditions?.FirstOrDefault(c => c.Type == Type);

    /// <summary>Whether writing <paramref name="next"/> would change what is stored.</summary>
    public static bool Differs(V1Condition? stored, V1Condition next) =>
        stored is null || stored.Status != next.Status || stored.Reason != next.Reason || stored.Message != next.Message || stored.ObservedGeneration != next.ObservedGeneration;
}
