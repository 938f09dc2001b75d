using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>k8s pod_failure_policy.go: the first rule that matches a failed pod decides its action (FailJob,
/// Ignore, Count); no match is Count. Exit-code rules look at terminated containers with a non-zero exit code,
/// regular containers first, then init containers.</summary>
public static class PodFailurePolicies
{
    public const string FailJob = "FailJob";
    public const string Ignore = "Ignore";
    public const string Count = "Count";

    /// <returns>the action, and for FailJob the message of the Job's failure condition.</returns>
    public static (string Action, string? Message) Match(V1PodFailurePolicy? policy, V1Pod pod)
    {
        if (policy?.Rules is not { } rules) return (Count, null);
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.OnExitCodes is { } onExitCodes)
            {
                if (MatchExitCodes(pod, onExitCodes) is not { } container) continue;
                var exit = container.State.Terminated.ExitCode;
                // k8s: "Container %s for pod %s/%s failed with exit code %v matching %v rule at index %d".
                return (rule.Action, rule.Action == FailJob
                    ? $"Container {container.Name} for pod {pod.Metadata.NamespaceProperty ?? "default"}/{pod.Metadata.Name} failed with exit code {exit} matching {rule.Action} rule at index {index}"
                    : null);
            }
            if (rule.OnPodConditions is { Count: > 0 } patterns && MatchConditions(pod, patterns) is { } condition)
            {
                // k8s: "Pod %s/%s has condition %v matching %v rule at index %d".
                return (rule.Action, rule.Action == FailJob
                    ? $"Pod {pod.Metadata.NamespaceProperty ?? "default"}/{pod.Metadata.Name} has condition {condition} matching {rule.Action} rule at index {index}"
                    : null);
            }
        }
        return (Count, null);
    }

    private static V1ContainerStatus? MatchExitCodes(V1Pod pod, V1PodFailurePolicyOnExitCodesRequirement requirement)
    {
        foreach (var statuses in new[] { pod.Status?.ContainerStatuses, pod.Status?.InitContainerStatuses })
            foreach (var s in statuses ?? [])
            {
                if (s.State?.Terminated is not { } terminated || terminated.ExitCode == 0) continue;
                if (requirement.ContainerName is { } only && only != s.Name) continue;
                var listed = requirement.Values?.Contains(terminated.ExitCode) == true;
                if (requirement.OperatorProperty == "In" ? listed : !listed) return s;
            }
        return null;
    }

    private static string? MatchConditions(V1Pod pod, IList<V1PodFailurePolicyOnPodConditionsPattern> patterns)
    {
        foreach (var pattern in patterns)
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == pattern.Type && c.Status == (pattern.Status ?? "True")) is { } c)
                return c.Type;
        return null;
    }
}
