using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>A Deployment's conditions and their upstream reasons (deployment_util.go).</summary>
public static class DeploymentConditions
{
    public const string Progressing = "Progressing";
    public const string Available = "Available";

    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string DeploymentPaused = "DeploymentPaused";
    public const string DeploymentResumed = "DeploymentResumed";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public static V1DeploymentCondition? Get(IList<V1DeploymentCondition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static V1DeploymentCondition New(string type, string status, string reason, string message, DateTime now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };

    /// <summary>k8s SetDeploymentCondition: a condition with the same status and reason is left as it is; the
    /// transition time is kept while the status stays the same.</summary>
    public static void Set(List<V1DeploymentCondition> conditions, V1DeploymentCondition condition)
    {
        var current = conditions.FirstOrDefault(c => c.Type == condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return;
        if (current is not null && current.Status == condition.Status) condition.LastTransitionTime = current.LastTransitionTime;
        conditions.RemoveAll(c => c.Type == condition.Type);
        conditions.Add(condition);
    }
}
