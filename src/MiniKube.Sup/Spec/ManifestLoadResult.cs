namespace MiniKube.Sup.Spec;

/// <summary>
/// The outcome of loading manifests. <see cref="Objects"/> holds every object that parsed (defaults applied) even when
/// other errors exist, so tools can show them; a caller that runs anything must check <see cref="Succeeded"/> first
/// (a file with errors starts nothing).
/// </summary>
public sealed class ManifestLoadResult
{
    public ManifestLoadResult(IReadOnlyList<ManifestObject> objects, IReadOnlyList<ManifestError> errors, IReadOnlyList<ManifestError>? warnings = null)
    {
        Objects = objects;
        Errors = errors;
        Warnings = warnings ?? [];
    }

    /// <summary>What loads but means nothing on one host (inert kinds, scheduler-only fields), each said once, located
    /// as errors are.</summary>
    public IReadOnlyList<ManifestError> Warnings { get; }

    public IReadOnlyList<ManifestObject> Objects { get; }

    public IReadOnlyList<ManifestError> Errors { get; }

    public bool Succeeded => Errors.Count == 0;
}
