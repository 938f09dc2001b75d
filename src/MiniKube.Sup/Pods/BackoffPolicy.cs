namespace MiniKube.Sup.Pods;

/// <summary>CrashLoopBackOff parameters. k8s: initial 10 s, doubling, cap 300 s, reset after 600 s of running
/// (kubelet.go). Base and cap are daemon options for dev and tests; 0 means no delay.</summary>
public sealed record BackoffPolicy(TimeSpan Initial, TimeSpan Max, TimeSpan ResetAfter)
{
    public static BackoffPolicy Kubernetes { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(600));
}
