namespace MiniKube.Sup.Probes;

/// <summary>How one probe attempt ended (k8s probe.Result plus the prober's error).</summary>
public enum ProbeStatus
{
    Success,
    /// <summary>Counts as success, and is reported as a ProbeWarning event (an HTTP redirect to another host).</summary>
    Warning,
    Failure,
    /// <summary>The probe could not be run (e.g. an unknown named port): the result is thrown away.</summary>
    Error,
}
