using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public class NameRulesTests
{
    /// <summary>Go's regexp `$` is the end of the text; .NET's also matches before a final newline, which let
    /// "web\n" through as a valid name (and so into every table).</summary>
    [Theory]
    [InlineData("web\n")]
    [InlineData("web\r\n")]
    public void A_name_with_a_trailing_newline_is_invalid_in_every_format(string name)
    {
        Assert.NotNull(NameRules.Dns1123Label(name));
        Assert.NotNull(NameRules.Dns1123Subdomain(name));
        Assert.NotNull(NameRules.Dns1035Label(name));
        Assert.NotNull(NameRules.IanaServiceName(name));
        Assert.NotNull(NameRules.QualifiedName(name));
        Assert.NotNull(NameRules.LabelValue(name));
        Assert.NotNull(NameRules.ConfigKey(name));
    }
}
