namespace MiniKube.Sup.Probes;

/// <summary>The result a probe worker stores for a container instance (k8s prober/results.Result).</summary>
public enum ProbeResult
{
    Unknown,
    Success,
    Failure,
}
