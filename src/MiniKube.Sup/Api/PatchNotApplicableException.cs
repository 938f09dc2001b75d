namespace MiniKube.Sup.Api;

/// <summary>A well-formed patch that cannot be applied to the object as it is (a JSON patch's <c>test</c> fails, a
/// path is missing, an index is out of range). k8s: 422, and the object is unchanged.</summary>
public sealed class PatchNotApplicableException(string message) : Exception(message);
