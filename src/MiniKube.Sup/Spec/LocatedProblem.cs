namespace MiniKube.Sup.Spec;

/// <summary>A problem found before the object's name is known; the loader turns it into a <see cref="ManifestError"/>.</summary>
internal sealed record LocatedProblem(string Path, int Line, int Column, string Message);
