using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public class UnexpandedVariablesTests
{
    private static IReadOnlyList<string> Warnings(string yaml) =>
        ManifestLoader.LoadText(yaml, "m.yaml").Warnings.Select(w => w.ToString()).ToList();

    [Fact]
    public void POD_IP_in_args_without_a_declaration_is_a_warning_at_its_place_that_says_how_to_declare_it()
    {
        var warning = Assert.Single(Warnings("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: app
                  command: ["server"]
                  args: ["--bind", "$(POD_IP):8080"]
            """));
        Assert.StartsWith("m.yaml:8:", warning);
        Assert.Contains("spec.containers[0].args[1]: $(POD_IP) stays as written", warning);
        Assert.Contains("valueFrom.fieldRef.fieldPath: status.podIP", warning);
    }

    [Fact]
    public void Declared_variables_envFrom_keys_volume_variables_escapes_and_shell_substitutions_are_not_warned_about()
    {
        Assert.Empty(Warnings("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {MODE: demo}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes: [{name: work-dir, emptyDir: {}}]
              containers:
                - name: app
                  command: ["sh", "-c", "echo $(POD_IP) $(CFG_MODE) $(VOLUME_WORK_DIR) $$(LITERAL) $(date +%T) $(hostname)"]
                  envFrom: [{prefix: CFG_, configMapRef: {name: settings}}]
                  volumeMounts: [{name: work-dir, mountPath: /work}]
                  env:
                    - name: POD_IP
                      valueFrom: {fieldRef: {fieldPath: status.podIP}}
            """));
    }

    [Fact]
    public void An_env_value_sees_only_the_entries_before_it_and_an_unknown_envFrom_source_silences_the_container()
    {
        var warnings = Warnings("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec:
                  containers:
                    - name: app
                      command: ["server"]
                      env:
                        - {name: URL, value: "$(PROTOCOL)://$(HOST)"}
                        - {name: PROTOCOL, value: https}
                        - {name: HOST, value: example}
                    - name: other
                      command: ["server", "$(FROM_SECRET)"]
                      envFrom: [{secretRef: {name: not-in-these-manifests}}]
            """);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("spec.template.spec.containers[0].env[0].value: $(PROTOCOL) stays as written: no env entry before it declares PROTOCOL", warnings[0]);
        Assert.Contains("spec.template.spec.containers[0].env[0].value: $(HOST) stays as written", warnings[1]);
    }
}
