using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

/// <summary>sup.minikube.io/wait-for as the validator reads it: targets in kubectl's KIND/NAME form, and start orders
/// that can never be met refused.</summary>
public sealed class WaitForValidationTests
{
    private static string Workload(string kind, string name, string app, string waitFor) => $$"""
        apiVersion: apps/v1
        kind: {{kind}}
        metadata: {name: {{name}}}
        spec:
          selector:
            matchLabels:
              app: {{app}}
          template:
            metadata:
              labels:
                app: {{app}}
              annotations:
                sup.minikube.io/wait-for: "{{waitFor}}"
            spec:
              containers: [{name: main, command: ["true"]}]
        """;

    private static string Service(string name, string app) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{name}}}
        spec:
          selector:
            app: {{app}}
          ports: [{port: 80}]
        """;

    [Fact]
    public void Targets_in_kubectl_form_load()
    {
        var result = Load(Workload("Deployment", "api", "api", "svc/db, statefulset/db, deploy/cache, job/migrate=Complete"));
        Assert.True(result.Succeeded, Describe(result));
    }

    [Theory]
    [InlineData("db", "\"db\" is not KIND/NAME (e.g. svc/db, statefulset/db, deploy/api, job/migrate=Complete)")]
    [InlineData("cm/db", "\"cm/db\": unknown kind \"cm\" (allowed: svc, statefulset, deploy, daemonset, replicaset, job, pod)")]
    [InlineData("svc/db=Complete", "\"svc/db=Complete\": a Service is waited for until Ready, not \"Complete\"")]
    public void A_bad_target_is_a_located_error(string waitFor, string message)
    {
        var error = SingleError(Load(Workload("Deployment", "api", "api", waitFor)));
        Assert.Equal("Deployment/api", error.ObjectRef);
        Assert.Equal("spec.template.metadata.annotations[sup.minikube.io/wait-for]", error.FieldPath);
        Assert.Equal(13, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_cycle_through_a_Service_is_refused_once()
    {
        var result = Load(string.Join("\n---\n",
            Workload("Deployment", "api", "api", "svc/db"),
            Service("db", "db"),
            Workload("StatefulSet", "db", "db", "deploy/api")));
        var error = SingleError(result);
        Assert.Equal("Deployment/api", error.ObjectRef);
        Assert.Equal("a start order that can never be met: deploy/api waits for statefulset/db waits for deploy/api", error.Message);
    }
}
