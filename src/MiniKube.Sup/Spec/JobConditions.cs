using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>Job condition types, reasons and messages as upstream writes them (job_controller.go), and how they are set.</summary>
public static class JobConditions
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";

    public const string BackoffLimitExceeded = "BackoffLimitExceeded";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string PodFailurePolicy = "PodFailurePolicy";
    public const string CompletionsReached = "CompletionsReached";

    public const string BackoffLimitMessage = "Job has reached the specified backoff limit";
    public const string DeadlineMessage = "Job was active longer than specified deadline";
    public const string CompletionsMessage = "Reached expected number of succeeded pods";

    public static V1JobCondition? Get(V1JobStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(V1JobStatus? status, string type) => Get(status, type)?.Status == "True";

    /// <summary>k8s IsJobFinished: Complete or Failed is True.</summary>
    public static bool IsFinished(V1JobStatus? status) => IsTrue(status, Complete) || IsTrue(status, Failed);

    /// <summary>k8s ensureJobConditionStatus: sets the condition, keeping its transition time when the status does
    /// not change. Returns whether anything changed.</summary>
    public static bool Set(V1JobStatus status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is not null && existing.Status == value && existing.Reason == reason && existing.Message == message) return false;
        var at = now.UtcDateTime;
        if (existing is null)
        {
            status.Conditions.Add(new V1JobCondition { Type = type, Status = value, Reason = reason, Message = message, LastProbeTime = at, LastTransitionTime = at });
            return true;
        }
        if (existing.Status != value) existing.LastTransitionTime = at;
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.LastProbeTime = at;
        return true;
    }
}
