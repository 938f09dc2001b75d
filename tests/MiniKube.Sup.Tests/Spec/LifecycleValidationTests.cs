using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

/// <summary>Lifecycle hook and probe rules that the other validation tests do not cover.</summary>
public class LifecycleValidationTests
{
    [Fact]
    public void TcpSocket_lifecycle_hook_is_rejected_because_it_never_runs()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  lifecycle:
                    preStop: {tcpSocket: {port: 80}}
            """));

        AssertError(error, 9, 19, "Pod/web", "spec.containers[0].lifecycle.preStop.tcpSocket");
        Assert.StartsWith("not supported: tcpSocket lifecycle hooks are deprecated", error.Message);
    }

    [Fact]
    public void Lifecycle_hook_needs_exactly_one_handler()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  lifecycle:
                    postStart: {exec: {command: ["true"]}, sleep: {seconds: 1}}
            """));

        AssertError(error, 9, 9, "Pod/web", "spec.containers[0].lifecycle.postStart");
        Assert.Equal("lifecycle hook needs exactly one handler: exec, httpGet or sleep; found 2: exec, sleep", error.Message);
    }

    [Fact]
    public void Regular_init_container_may_not_have_lifecycle_hooks()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              initContainers:
                - name: migrate
                  command: [migrate.sh]
                  lifecycle: {postStart: {exec: {command: ["true"]}}}
              containers: [{name: web, command: [sleep, "60"]}]
            """));

        AssertError(error, 8, 7, "Pod/web", "spec.initContainers[0].lifecycle");
        Assert.StartsWith("not allowed on an init container that runs to completion", error.Message);
    }

    [Fact]
    public void Hook_http_port_must_name_a_port_of_the_container()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  ports: [{name: http, containerPort: 8080}]
                  lifecycle:
                    preStop: {httpGet: {path: /drain, port: admin}}
            """));

        AssertError(error, 10, 49, "Pod/web", "spec.containers[0].lifecycle.preStop.httpGet.port");
        Assert.Equal("no containerPort named \"admin\" in this container (named ports: http)", error.Message);
    }

    [Fact]
    public void Startup_probe_success_threshold_must_be_one()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  startupProbe: {tcpSocket: {port: 80}, successThreshold: 3}
            """));

        AssertError(error, 8, 63, "Pod/web", "spec.containers[0].startupProbe.successThreshold");
        Assert.Equal("must be 1 for startup probes, got 3", error.Message);
    }
}
