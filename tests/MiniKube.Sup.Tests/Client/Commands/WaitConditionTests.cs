using System.Text.Json;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

/// <summary>sup wait's --for, as kubectl reads it.</summary>
public class WaitConditionTests
{
    private const string Pod = """
        {"metadata": {"name": "web", "labels": {"app": "web"}},
         "status": {"phase": "Running", "readyReplicas": null,
                    "conditions": [{"type": "Ready", "status": "True"}, {"type": "Initialized", "status": "False"}],
                    "containerStatuses": [{"name": "app", "ready": true, "restartCount": 2}]}}
        """;

    [Theory]
    [InlineData("condition=Ready", true)]
    [InlineData("condition=ready", true)] // kubectl compares condition types case-insensitively
    [InlineData("condition=Ready=True", true)]
    [InlineData("condition=Ready=False", false)]
    [InlineData("condition=Initialized=False", true)]
    [InlineData("condition=Complete", false)]
    [InlineData("jsonpath={.status.phase}=Running", true)]
    [InlineData("jsonpath='{.status.phase}'=Running", true)] // the quotes a shell would have kept
    [InlineData("jsonpath={.status.phase}=Pending", false)]
    [InlineData("jsonpath={.status.phase}", true)] // without a value: the field is there
    [InlineData("jsonpath={.status.readyReplicas}", false)] // ...and not null
    [InlineData("jsonpath={.status.podIP}", false)]
    [InlineData("jsonpath={.metadata.labels.app}=web", true)]
    [InlineData("jsonpath={.status.containerStatuses[0].ready}=true", true)]
    [InlineData("jsonpath={.status.containerStatuses[0].restartCount}=2", true)]
    [InlineData("jsonpath={.status.containerStatuses[1].ready}=true", false)]
    public void A_condition_is_met_by_what_the_object_says(string text, bool met)
    {
        var (condition, error) = WaitCondition.Parse(text);
        Assert.Null(error);
        using var doc = JsonDocument.Parse(Pod);
        Assert.Equal(met, condition!.IsMetBy(doc.RootElement));
        Assert.False(condition.IsDelete);
    }

    [Fact]
    public void Delete_is_met_by_no_object_only()
    {
        var (condition, _) = WaitCondition.Parse("delete");
        using var doc = JsonDocument.Parse(Pod);
        Assert.True(condition!.IsDelete);
        Assert.False(condition.IsMetBy(doc.RootElement));
    }

    [Theory]
    [InlineData("Ready")]
    [InlineData("condition=")]
    [InlineData("jsonpath=.status.phase")]
    [InlineData("jsonpath={status}")]
    [InlineData("jsonpath={.status.items[x]}")]
    [InlineData("jsonpath={.status.phase}Running")]
    public void What_is_not_a_condition_says_what_is_expected(string text)
    {
        var (condition, error) = WaitCondition.Parse(text);
        Assert.Null(condition);
        Assert.Contains("expected", error);
    }

    [Fact]
    public void The_condition_type_is_known_for_a_Job_waited_for_Complete()
    {
        Assert.Equal("Complete", WaitCondition.Parse("condition=Complete").Condition!.ConditionType);
        Assert.Null(WaitCondition.Parse("jsonpath={.status.succeeded}=1").Condition!.ConditionType);
    }
}
