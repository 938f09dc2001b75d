using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>Changes desired state on behalf of the API (create/replace/patch, delete).</summary>
public interface IObjectWriter
{
    /// <summary>Applies validated objects; returns, per object, whether it was created (true) or updated.</summary>
    Task<IReadOnlyList<(ManifestObject Object, bool Created)>> ApplyAsync(IReadOnlyList<ManifestObject> objects, string source, CancellationToken cancel);

    /// <summary>Deletes an object; pods terminate gracefully in the background. False when it does not exist.</summary>
    bool Delete(ResourceKind kind, string name, long? gracePeriodSeconds);
}
