using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public class VolumeValidationTests
{
    [Fact]
    public void Volume_mount_must_name_a_declared_volume()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: cache, emptyDir: {}}]
              containers:
                - name: web
                  command: [sleep, "1"]
                  volumeMounts: [{name: cach, mountPath: /cache}]
            """));

        AssertError(error, 9, 29, "Pod/web", "spec.containers[0].volumeMounts[0].name");
        Assert.Equal("no volume named \"cach\" in the pod's volumes (volumes: cache)", error.Message);
    }

    [Fact]
    public void Downward_api_and_projected_volumes_of_the_documentations_examples_load()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: kubernetes-downwardapi-volume-example, labels: {zone: us-est-coast}}
            spec:
              containers:
                - name: client-container
                  command: [sh, -c, "cat /etc/podinfo/labels"]
                  resources: {limits: {memory: 64Mi}}
                  volumeMounts: [{name: podinfo, mountPath: /etc/podinfo}, {name: all-in-one, mountPath: /projected-volume}]
              volumes:
                - name: podinfo
                  downwardAPI:
                    items:
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: mem_limit, resourceFieldRef: {containerName: client-container, resource: limits.memory, divisor: 1Mi}}
                - name: all-in-one
                  projected:
                    sources:
                      - secret: {name: user}
                      - configMap: {name: app, items: [{key: mode, path: my-group/mode}]}
                      - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void A_downward_api_volume_refuses_status_fields_and_a_projected_token_needs_a_path_and_ten_minutes()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: web, command: [sleep, "1"]}]
              volumes:
                - name: podinfo
                  downwardAPI:
                    items: [{path: ip, fieldRef: {fieldPath: status.podIP}}]
                - name: token
                  projected:
                    sources: [{serviceAccountToken: {path: token, expirationSeconds: 3600, audience: vault}}]
                - name: short
                  projected:
                    sources: [{serviceAccountToken: {path: token, expirationSeconds: 60}}]
            """);

        Assert.Contains(result.Errors, e => e.FieldPath == "spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath" && e.Message.StartsWith("unsupported value \"status.podIP\"", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Errors, e => e.FieldPath.StartsWith("spec.volumes[1]", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.FieldPath == "spec.volumes[2].projected.sources[0].serviceAccountToken.expirationSeconds" && e.Message.Contains("less than 10 minutes"));
    }

    [Fact]
    public void Duplicate_volume_names_are_an_error()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes:
                - {name: data, emptyDir: {}}
                - {name: data, hostPath: {path: /tmp}}
              containers: [{name: web, command: [sleep, "1"]}]
            """));

        AssertError(error, 7, 14, "Pod/web", "spec.volumes[1].name");
        Assert.Equal("duplicate volume name \"data\"", error.Message);
    }

    [Fact]
    public void HostPath_type_must_be_a_known_type()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: data, hostPath: {path: /tmp, type: Dir}}]
              containers: [{name: web, command: [sleep, "1"]}]
            """));

        Assert.Equal("spec.volumes[0].hostPath.type", error.FieldPath);
        Assert.StartsWith("unsupported value \"Dir\": allowed \"\", \"DirectoryOrCreate\", \"Directory\"", error.Message);
    }

    [Fact]
    public void Item_paths_must_be_relative_and_stay_inside_the_volume()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes:
                - name: config
                  configMap:
                    name: app
                    items:
                      - {key: a, path: /etc/a}
                      - {key: b, path: sub/../../b}
                      - {key: c, path: ok/c, mode: 4096}
              containers: [{name: web, command: [sleep, "1"]}]
            """);

        Assert.Equal(3, result.Errors.Count);
        Assert.Equal(("spec.volumes[0].configMap.items[0].path", "must be a relative path, got \"/etc/a\""), (result.Errors[0].FieldPath, result.Errors[0].Message));
        Assert.Equal(("spec.volumes[0].configMap.items[1].path", "must not contain '..', got \"sub/../../b\""), (result.Errors[1].FieldPath, result.Errors[1].Message));
        Assert.Equal("spec.volumes[0].configMap.items[2].mode", result.Errors[2].FieldPath);
        Assert.Equal(10, result.Errors[0].Line);
    }

    [Fact]
    public void Volume_types_one_host_cannot_honour_are_rejected_with_the_supported_list()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: data, nfs: {server: nas, path: /export}}]
              containers: [{name: web, command: [sleep, "1"]}]
            """));

        Assert.Equal("spec.volumes[0].nfs", error.FieldPath);
        Assert.Equal("nfs volumes cannot be honoured on one host; supported: emptyDir, hostPath, persistentVolumeClaim, configMap, secret, downwardAPI, projected", error.Message);
    }

    [Fact]
    public void EnvFrom_needs_exactly_one_source_and_key_refs_need_name_and_key()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "1"]
                  envFrom: [{prefix: X_}]
                  env:
                    - name: A
                      valueFrom: {configMapKeyRef: {name: app}}
            """);

        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(("spec.containers[0].envFrom[0]", "must specify one of: configMapRef or secretRef"), (result.Errors[0].FieldPath, result.Errors[0].Message));
        Assert.Equal("spec.containers[0].env[0].valueFrom.configMapKeyRef.key", result.Errors[1].FieldPath);
    }

    [Fact]
    public void A_mountPath_may_be_used_once_per_container_and_subPath_stays_inside()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]
              containers:
                - name: web
                  command: [sleep, "1"]
                  volumeMounts:
                    - {name: a, mountPath: /data}
                    - {name: b, mountPath: /data, subPath: ../x}
            """);

        Assert.Equal(2, result.Errors.Count);
        Assert.Equal("spec.containers[0].volumeMounts[1].mountPath", result.Errors[0].FieldPath);
        Assert.Equal("spec.containers[0].volumeMounts[1].subPath", result.Errors[1].FieldPath);
    }

    [Fact]
    public void ConfigMap_Secret_and_volumes_of_supported_types_load()
    {
        var result = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data: {greeting: hello}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cret}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes:
                - {name: cache, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
                - {name: host, hostPath: {path: /tmp, type: Directory}}
                - {name: data, persistentVolumeClaim: {claimName: data}}
                - {name: config, configMap: {name: app, defaultMode: 0400, items: [{key: greeting, path: conf/greeting.txt}]}}
                - {name: secret, secret: {secretName: creds, optional: true}}
              containers:
                - name: web
                  command: [sleep, "1"]
                  envFrom: [{configMapRef: {name: app}, prefix: APP_}]
                  env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}]
                  volumeMounts: [{name: cache, mountPath: cache}, {name: config, mountPath: /etc/app, readOnly: true}]
            """);

        Assert.True(result.Succeeded, Describe(result));
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("/etc")]
    [InlineData("data/sub")]
    [InlineData("Data")]
    public void A_claimName_is_a_name_never_a_path(string claimName)
    {
        var error = SingleError(Load($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: data, persistentVolumeClaim: {claimName: "{{{claimName}}}"}}]
              containers: [{name: web, command: [sleep, "1"]}]
            """));

        AssertError(error, 5, 61, "Pod/web", "spec.volumes[0].persistentVolumeClaim.claimName");
        Assert.StartsWith($"invalid claim name \"{claimName}\": a lowercase RFC 1123 subdomain must consist of", error.Message);
    }

    [Fact]
    public void A_volume_claim_template_name_is_a_volume_name()
    {
        var error = SingleError(Load("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              selector: {matchLabels: {app: db}}
              volumeClaimTemplates: [{metadata: {name: ../../x}}]
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, command: [sleep, "1"]}]}
            """));

        AssertError(error, 6, 44, "StatefulSet/db", "spec.volumeClaimTemplates[0].metadata.name");
        Assert.StartsWith("invalid volume claim template name \"../../x\": a lowercase RFC 1123 label", error.Message);
    }
}
