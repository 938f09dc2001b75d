using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public class VariableExpansionTests
{
    private static readonly Dictionary<string, string> Vars = new() { ["NAME"] = "web", ["EMPTY"] = "" };

    [Theory]
    [InlineData("$(NAME)", "web")]
    [InlineData("pre-$(NAME)-post", "pre-web-post")]
    [InlineData("$(UNKNOWN)", "$(UNKNOWN)")]
    [InlineData("$$(NAME)", "$(NAME)")]
    [InlineData("$$", "$")]
    [InlineData("$$$(NAME)", "$web")]
    [InlineData("$NAME", "$NAME")]
    [InlineData("$(NAME", "$(NAME")]
    [InlineData("tail$", "tail$")]
    [InlineData("$(EMPTY)x", "x")]
    [InlineData("no vars", "no vars")]
    [InlineData("$(NAME)$(NAME)", "webweb")]
    public void Expands_as_kubernetes_does(string input, string expected) =>
        Assert.Equal(expected, VariableExpansion.Expand(input, n => Vars.GetValueOrDefault(n)));
}
