using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public class ManifestErrorTests
{
    [Fact]
    public void An_error_line_escapes_control_characters_in_every_part()
    {
        var error = new ManifestError("a\ab.yaml", 4, 9, "Pod/web\e[31m", "metadata.labels[x\0]", "invalid name \"web\e[31m\a\"");

        Assert.Equal(@"a\ab.yaml:4:9: Pod/web\x1b[31m: metadata.labels[x\x00]: invalid name ""web\x1b[31m\a""", error.ToString());
    }
}
