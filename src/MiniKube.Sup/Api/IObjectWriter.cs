using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>What applying an object did, as kubectl reports it (created, configured, unchanged).</summary>
public enum ApplyOutcome
{
    Created,
    Configured,
    Unchanged,
}

/// <summary>Changes desired state on behalf of the API (create/replace/patch, delete).</summary>
public interface IObjectWriter
{
    /// <summary>Applies validated objects; returns, per object, what happened to it.</summary>
    Task<IReadOnlyList<(ManifestObject Object, ApplyOutcome Outcome)>> ApplyAsync(IReadOnlyList<ManifestObject> objects, string source, CancellationToken cancel);

    /// <summary>Deletes an object; pods terminate gracefully in the background. False when it does not exist.</summary>
    bool Delete(ResourceKind kind, string name, long? gracePeriodSeconds);
}
