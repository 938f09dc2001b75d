namespace MiniKube.Sup.Probes;

/// <summary>Which of a container's probes (k8s prober probeType). The names are those of upstream events:
/// "Liveness probe failed: …".</summary>
public enum ProbeType
{
    Liveness,
    Readiness,
    Startup,
}
