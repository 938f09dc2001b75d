namespace MiniKube.Sup.Probes;

/// <summary>Why a handler runs: one of the three probes, or a lifecycle hook. Hooks differ from probes in
/// what counts as failure (an HTTP hook fails only when no response comes, k8s lifecycle/handlers.go).</summary>
public enum ProbePurpose
{
    Liveness,
    Readiness,
    Startup,
    PostStart,
    PreStop,
}
