namespace MiniKube.Sup.Desired;

/// <summary>What applying an object did, as kubectl reports it (created, configured, unchanged).</summary>
public enum ApplyOutcome
{
    Created,
    Configured,
    Unchanged,
}
