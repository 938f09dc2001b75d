using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

/// <summary>The one label matcher, as each of its three sources builds it (the query syntax: LabelSelectorParserTests).</summary>
public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front" };

    private static V1LabelSelectorRequirement Expression(string key, string op, params string[] values) =>
        new() { Key = key, OperatorProperty = op, Values = values.Length == 0 ? null : values };

    public static TheoryData<V1LabelSelector?, bool> WorkloadSelectors() => new()
    {
        { null, false },
        { new V1LabelSelector(), true },
        { new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } }, true },
        { new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } }, false },
        { new V1LabelSelector { MatchExpressions = [Expression("tier", "In", "front", "back")] }, true },
        { new V1LabelSelector { MatchExpressions = [Expression("tier", "NotIn", "front")] }, false },
        { new V1LabelSelector { MatchExpressions = [Expression("zone", "NotIn", "a")] }, true },
        { new V1LabelSelector { MatchExpressions = [Expression("app", "Exists")] }, true },
        { new V1LabelSelector { MatchExpressions = [Expression("app", "DoesNotExist")] }, false },
        { new V1LabelSelector { MatchExpressions = [Expression("app", "Sometimes")] }, false },
        { new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" }, MatchExpressions = [Expression("zone", "Exists")] }, false },
    };

    [Theory]
    [MemberData(nameof(WorkloadSelectors))]
    public void A_workload_selector_ANDs_its_labels_and_expressions_and_null_selects_nothing(V1LabelSelector? selector, bool matches) =>
        Assert.Equal(matches, LabelSelector.From(selector).Matches(Web));

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("zone=a", false)]
    public void A_Service_selector_wants_every_label_equal(string pairs, bool matches)
    {
        var map = pairs.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(matches, LabelSelector.FromMap(map).Matches(Web));
    }

    [Fact]
    public void An_object_without_labels_is_selected_only_by_requirements_of_absence()
    {
        Assert.True(LabelSelector.Parse("!app,zone notin (a)").Matches(null));
        Assert.False(LabelSelector.Parse("app").Matches(null));
        Assert.True(LabelSelector.Everything.Matches(null));
        Assert.False(LabelSelector.Nothing.Matches(Web));
    }
}
