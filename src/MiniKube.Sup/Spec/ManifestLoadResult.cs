namespace MiniKube.Sup.Spec;

/// <summary>
/// The outcome of loading manifests. <see cref="Objects"/> holds every object that parsed (defaults applied) even when
/// other errors exist, so tools can show them; a caller that runs anything must check <see cref="Succeeded"/> first
/// (a file with errors starts nothing).
/// </summary>
public sealed class ManifestLoadResult
{
    public ManifestLoadResult(IReadOnlyList<ManifestObject> objects, IReadOnlyList<ManifestError> errors)
    {
        Objects = objects;
        Errors = errors;
    }

    public IReadOnlyList<ManifestObject> Objects { get; }

    public IReadOnlyList<ManifestError> Errors { get; }

    public bool Succeeded => Errors.Count == 0;
}
