using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

/// <summary>The Job step extensions: per-step timeout annotations and liveness probes on steps.</summary>
public sealed class JobStepValidationTests
{
    private static string Job(string annotations, string extractExtra = "") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: etl}
        spec:
          template:
            metadata:
              annotations: {{{annotations}}}
            spec:
              restartPolicy: OnFailure
              initContainers:
              - name: extract
                command: ["true"]{{extractExtra}}
              containers:
              - name: load
                command: ["true"]
        """;

    [Fact]
    public void Step_timeouts_pod_wide_and_per_step_load()
    {
        var result = Load(Job("sup.minikube.io/step-timeout-seconds: \"60\", sup.minikube.io/step-timeout-seconds.extract: \"300\""));
        Assert.True(result.Succeeded, Describe(result));
    }

    [Theory]
    [InlineData("sup.minikube.io/step-timeout-seconds.extract: \"soon\"", "must be a whole number of seconds greater than zero (as a string, e.g. \"300\"), got \"soon\"")]
    [InlineData("sup.minikube.io/step-timeout-seconds.nosuch: \"5\"", "names no container of this pod: \"nosuch\" (the form is sup.minikube.io/step-timeout-seconds.<container name>)")]
    public void A_bad_per_step_timeout_is_a_located_error(string annotation, string message)
    {
        var error = SingleError(Load(Job(annotation)));
        Assert.Equal("Job/etl", error.ObjectRef);
        Assert.Equal($"spec.template.metadata.annotations[{annotation[..annotation.IndexOf(':')]}]", error.FieldPath);
        Assert.Equal(7, error.Line); // located at the annotation
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_liveness_probe_on_a_job_step_is_allowed_as_a_hang_check()
    {
        var result = Load(Job("", "\n        livenessProbe: {exec: {command: [\"true\"]}}"));
        Assert.True(result.Succeeded, Describe(result));
    }
}
