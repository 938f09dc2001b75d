using MiniKube.Sup.Spec;
using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public sealed class ObjectSizeLimitTests
{
    private static string ConfigMap(string name, int bytes) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
        data:
          a: "{new string('x', bytes)}"
        """;

    [Fact]
    public void An_object_over_1_MiB_is_an_error_at_its_first_line_with_its_size()
    {
        var result = Load(ConfigMap("small", 10) + "\n---\n" + ConfigMap("big", 1024 * 1024));

        var error = SingleError(result);
        AssertError(error, 8, 1, "ConfigMap/big", "");
        Assert.Contains($"must have at most {ObjectSizeLimit.MaxBytes} bytes", error.Message);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void An_object_just_under_1_MiB_loads()
    {
        var result = Load(ConfigMap("fits", 1024 * 1024 - 200));

        Assert.True(result.Succeeded, Describe(result));
    }
}
