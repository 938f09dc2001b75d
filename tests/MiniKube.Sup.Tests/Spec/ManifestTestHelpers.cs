using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

internal static class ManifestTestHelpers
{
    public const string FileName = "supervisor.yaml";

    /// <summary>Loads YAML written with a leading newline for readability; line 1 is the first line after it.</summary>
    public static ManifestLoadResult Load(string yaml)
        => ManifestLoader.LoadText(yaml.TrimStart('\r', '\n'), FileName);

    public static ManifestError SingleError(ManifestLoadResult result)
    {
        Assert.True(result.Errors.Count == 1, $"expected exactly one error, got {result.Errors.Count}:{Environment.NewLine}{Describe(result)}");
        return result.Errors[0];
    }

    public static void AssertError(ManifestError error, int line, int column, string? objectRef, string fieldPath)
    {
        Assert.Equal(FileName, error.File);
        Assert.Equal((line, column, objectRef, fieldPath), (error.Line, error.Column, error.ObjectRef, error.FieldPath));
    }

    public static string Describe(ManifestLoadResult result) => string.Join(Environment.NewLine, result.Errors);
}
