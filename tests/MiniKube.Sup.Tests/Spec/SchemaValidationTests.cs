using k8s.Models;
using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public class SchemaValidationTests
{
    [Fact]
    public void Unknown_field_is_reported_with_line_column_and_path()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              lables:
                app: web
            """));

        AssertError(error, 5, 3, "ConfigMap/settings", "metadata.lables");
        Assert.Equal("unknown field \"lables\"; did you mean \"labels\"?", error.Message);
    }

    [Fact]
    public void Unknown_nested_field_in_a_container_is_reported_at_its_key_with_a_suggestion()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenesProbe:
                    exec:
                      command: ["true"]
            """));

        AssertError(error, 9, 7, "Pod/web", "spec.containers[0].livenesProbe");
        Assert.Equal("unknown field \"livenesProbe\"; did you mean \"livenessProbe\"?", error.Message);
    }

    [Fact]
    public void Unknown_field_far_from_any_known_one_has_no_suggestion()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            payload: {a: b}
            """));

        AssertError(error, 4, 1, "ConfigMap/settings", "payload");
        Assert.Equal("unknown field \"payload\"", error.Message);
    }

    [Fact]
    public void Wrong_type_is_reported_at_the_value_with_what_was_expected()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  readinessProbe:
                    exec: {command: ["true"]}
                    periodSeconds: three
            """));

        AssertError(error, 11, 24, "Pod/web", "spec.containers[0].readinessProbe.periodSeconds");
        Assert.Equal("expected integer, got string \"three\"", error.Message);
    }

    [Fact]
    public void Number_where_a_string_belongs_suggests_quoting_it()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  env:
                    - name: PORT
                      value: 8080
            """));

        AssertError(error, 10, 18, "Pod/web", "spec.containers[0].env[0].value");
        Assert.Equal("expected string, got integer 8080 (quote it: \"8080\")", error.Message);
    }

    [Fact]
    public void Mapping_where_a_list_belongs_is_a_type_error()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                name: web
            """));

        AssertError(error, 6, 5, "Pod/web", "spec.containers");
        Assert.Equal("expected list, got mapping", error.Message);
    }

    [Fact]
    public void Integer_fields_must_be_whole_numbers_in_range()
    {
        var result = Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1.5
              revisionHistoryLimit: 3000000000
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, command: [sleep, "60"]}]
            """);

        Assert.Equal(
            [
                (5, 13, "spec.replicas", "expected integer, got number 1.5"),
                (6, 25, "spec.revisionHistoryLimit", "3000000000 is out of range: allowed -2147483648 to 2147483647"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.FieldPath, e.Message)));
    }

    [Fact]
    public void A_64_bit_field_just_past_its_range_is_out_of_range_and_names_no_dotnet_type()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              terminationGracePeriodSeconds: -9223372036854775809
              activeDeadlineSeconds: 9223372036854775808
              containers: [{name: c, command: [sleep, "60"]}]
            """);

        Assert.Equal(
            [
                (5, 34, "spec.terminationGracePeriodSeconds", "-9223372036854775809 is out of range: allowed -9223372036854775808 to 9223372036854775807"),
                (6, 26, "spec.activeDeadlineSeconds", "9223372036854775808 is out of range: allowed -9223372036854775808 to 9223372036854775807"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.FieldPath, e.Message)));
    }

    [Fact]
    public void Int_or_string_fields_accept_numbers_and_strings_but_not_booleans()
    {
        var result = Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports:
                - {name: a, port: 80, targetPort: 8080}
                - {name: b, port: 81, targetPort: http}
                - {name: c, port: 82, targetPort: true}
            """);

        var error = SingleError(result);
        AssertError(error, 9, 39, "Service/web", "spec.ports[2].targetPort");
        Assert.Equal("expected integer or string, got boolean true", error.Message);
    }

    [Fact]
    public void Quantities_must_parse()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  resources:
                    limits: {memory: 128Mi, cpu: lots}
            """));

        AssertError(error, 9, 38, "Pod/web", "spec.containers[0].resources.limits.cpu");
        Assert.StartsWith("invalid quantity \"lots\"", error.Message);
    }

    [Fact]
    public void Secret_data_must_be_base64()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Secret
            metadata: {name: db}
            data:
              password: not base64!
            stringData:
              user: admin
            """));

        AssertError(error, 5, 13, "Secret/db", "data.password");
        Assert.Equal("expected base64-encoded string (put plain text under stringData instead)", error.Message);
    }

    [Fact]
    public void Empty_list_item_is_an_error()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                -
            """));

        AssertError(error, 8, 6, "Pod/web", "spec.containers[1]");
        Assert.Equal("expected mapping, got null (an empty list item)", error.Message);
    }

    [Fact]
    public void Yaml_scalars_are_typed_as_kubernetes_reads_them()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                empty:
                quoted: "123"
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  tty: true
                  volumeMounts: [{name: data, mountPath: /data}]
              volumes:
                - name: data
                  secret:
                    secretName: db
                    defaultMode: 0644
            """);

        Assert.True(result.Succeeded, Describe(result));
        var pod = Assert.IsType<V1Pod>(Assert.Single(result.Objects).Model);
        Assert.Equal("", pod.Metadata.Labels["empty"]);
        Assert.Equal("123", pod.Metadata.Labels["quoted"]);
        Assert.True(pod.Spec.Containers[0].Tty);
        Assert.Equal(420, pod.Spec.Volumes[0].Secret.DefaultMode); // YAML 1.1 octal, as kubectl reads it
    }

    [Fact]
    public void Explicit_null_means_unset()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: null}
            spec:
              restartPolicy: ~
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenessProbe: null
            """);

        Assert.True(result.Succeeded, Describe(result));
        var pod = Assert.IsType<V1Pod>(Assert.Single(result.Objects).Model);
        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Null(pod.Spec.Containers[0].LivenessProbe);
    }
}
