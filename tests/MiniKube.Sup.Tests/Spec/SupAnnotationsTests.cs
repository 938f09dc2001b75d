using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class SupAnnotationsTests
{
    [Theory]
    [InlineData("300", 300)]
    [InlineData("1", 1)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("1.5", null)]
    [InlineData(" 5", null)]
    [InlineData("5m", null)]
    [InlineData("soon", null)]
    public void A_step_timeout_is_a_whole_number_of_seconds_above_zero(string text, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, SupAnnotations.WholeSeconds(text));

    [Fact]
    public void A_containers_own_step_timeout_overrides_the_pods()
    {
        var annotations = new Dictionary<string, string>
        {
            ["sup.minikube.io/step-timeout-seconds"] = "60",
            ["sup.minikube.io/step-timeout-seconds.extract"] = "300",
        };
        Assert.Equal(TimeSpan.FromSeconds(300), SupAnnotations.StepTimeout(annotations, "extract"));
        Assert.Equal(TimeSpan.FromSeconds(60), SupAnnotations.StepTimeout(annotations, "load"));
        Assert.Null(SupAnnotations.StepTimeout(null, "load"));
        Assert.Null(SupAnnotations.StepTimeout(new Dictionary<string, string>(), "load"));
    }

    [Theory]
    [InlineData("sup.minikube.io/step-timeout-seconds.extract", "extract")]
    [InlineData("sup.minikube.io/step-timeout-seconds", null)]
    [InlineData("sup.minikube.io/runtime", null)]
    public void A_per_container_key_names_its_container(string key, string? container) =>
        Assert.Equal(container, SupAnnotations.StepTimeoutContainer(key));
}
