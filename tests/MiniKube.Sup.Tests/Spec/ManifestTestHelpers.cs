using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

internal static class ManifestTestHelpers
{
    public const string FileName = "supervisor.yaml";

    /// <summary>Loads YAML written with a leading newline for readability; line 1 is the first line after it.</summary>
    public static ManifestLoadResult Load(string yaml, bool containerEngine = false)
        => ManifestLoader.LoadText(yaml.TrimStart('\r', '\n'), FileName, new ManifestLoadOptions { ContainerEngineAvailable = containerEngine });

    public static ManifestError SingleError(ManifestLoadResult result)
    {
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors, e => true);
    }

    public static void AssertError(ManifestError error, int line, int column, string? objectRef, string fieldPath)
    {
        Assert.Equal(FileName, error.File);
        Assert.Equal((line, column, objectRef, fieldPath), (error.Line, error.Column, error.ObjectRef, error.FieldPath));
    }

    public static string Describe(ManifestLoadResult result) => string.Join(Environment.NewLine, result.Errors);
}
