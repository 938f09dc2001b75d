using System.Runtime.CompilerServices;
using k8s.Models;
using MiniKube.Sup.Spec;
using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public class ManifestLoaderTests
{
    [Fact]
    public void Realistic_multi_document_manifest_loads_with_no_errors()
    {
        var result = ManifestLoader.LoadFiles([Fixture("stack.yaml")]);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(
            ["ConfigMap/web-config", "Deployment/web", "Service/web", "Job/migrate", "CronJob/nightly-backup"],
            result.Objects.Select(o => o.Ref));
        var deployment = Assert.IsType<V1Deployment>(result.Objects[1].Model);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("http", deployment.Spec.Template.Spec.Containers[0].LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(new SourceLocation(Fixture("stack.yaml"), 14, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_where_the_parser_stops_and_the_file_yields_no_objects()
    {
        var result = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ok
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
             labels: {}
            """);

        var error = SingleError(result);
        AssertError(error, 10, 2, null, "");
        Assert.StartsWith("invalid YAML: ", error.Message);
        Assert.Empty(result.Objects);
    }

    [Fact]
    public void Unterminated_flow_list_is_a_syntax_error_not_a_crash()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: a, command: [sleep, 1]
            """);

        var error = SingleError(result);
        Assert.Equal(FileName, error.File);
        Assert.True(error.Line >= 5, error.ToString());
        Assert.StartsWith("invalid YAML: ", error.Message);
    }

    [Fact]
    public void Unknown_kind_is_reported_at_the_kind_value_with_its_api_version_and_the_allowed_kinds()
    {
        var result = Load("""
            apiVersion: stable.example.com/v1
            kind: CronTab
            metadata:
              name: web
            """);

        var error = SingleError(result);
        AssertError(error, 2, 7, "CronTab/web", "kind");
        Assert.StartsWith("unknown kind \"CronTab\" (apiVersion \"stable.example.com/v1\"): a custom resource's kind, whose definition sup does not have; sup reads Pod, ConfigMap, ", error.Message);
        Assert.Contains("PodDisruptionBudget", error.Message);
    }

    [Fact]
    public void A_list_of_objects_loads_as_its_items_each_checked_where_it_is_written()
    {
        // The documentation's policy/quota-vac.yaml is a v1 List; kubectl apply -f takes any kind ending in List
        // that has items (apimachinery's unstructured decoding) as the objects it holds.
        var result = Load("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata:
                name: first
            - apiVersion: v1
              kind: ConfigMapList
              items:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: second}
            - apiVersion: v1
              kind: Pod
              metadata:
                name: broken
              spec:
                containers: [{name: a, image: busybox, bogus: 1}]
            """);

        var error = SingleError(result);
        AssertError(error, 19, 44, "Pod/broken", "spec.containers[0].bogus");
        Assert.Equal(["ConfigMap/first", "ConfigMap/second"], result.Objects.Select(o => o.Ref));
        Assert.Equal(new SourceLocation(FileName, 4, 3), result.Objects[0].Location);
    }

    [Fact]
    public void Kinds_that_mean_nothing_on_one_host_load_with_one_warning_per_kind()
    {
        var result = Load("""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: cart}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: checkout}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: zk-pdb}
            spec:
              selector: {matchLabels: {app: zk}}
              maxUnavailable: 1
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 3
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(4, result.Objects.Count);
        Assert.Equal(
            ["supervisor.yaml:2:7: ServiceAccount/cart: stored, has no effect on one host (and 1 more ServiceAccount)",
             "supervisor.yaml:10:7: PodDisruptionBudget/zk-pdb: stored, has no effect on one host",
             "supervisor.yaml:17:7: HorizontalPodAutoscaler/web: stored, has no effect on one host"],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Rbac_objects_are_named_as_path_segments_as_kubernetes_names_them()
    {
        var result = Load("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:kube-scheduler"}
            rules: []
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: "a/b"}
            rules: []
            """);

        var error = SingleError(result);
        AssertError(error, 8, 18, "Role/a/b", "metadata.name");
        Assert.Contains("may not contain '/' or '%'", error.Message);
    }

    [Fact]
    public void An_inert_kind_keeps_its_strict_schema()
    {
        var error = SingleError(Load("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: zk-pdb}
            spec:
              maxUnavailabel: 1
            """));

        AssertError(error, 5, 3, "PodDisruptionBudget/zk-pdb", "spec.maxUnavailabel");
    }

    [Fact]
    public void A_cluster_scoped_object_has_no_namespace_whatever_the_manifest_says()
    {
        var result = Load("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast, namespace: kube-system}
            provisioner: kubernetes.io/no-provisioner
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Null(Assert.Single(result.Objects).Model.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Scheduler_only_pod_fields_are_said_once_each_where_they_first_appear()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              nodeSelector: {disk: ssd}
              containers:
                - name: app
                  command: [sleep, "1"]
                  resources: {requests: {cpu: 100m}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: b}
            spec:
              selector: {matchLabels: {app: b}}
              template:
                metadata: {labels: {app: b}}
                spec:
                  nodeSelector: {disk: ssd}
                  tolerations: [{key: k, operator: Exists}]
                  containers:
                    - name: app
                      command: [sleep, "1"]
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            ["supervisor.yaml:5:3: Pod/a: spec.nodeSelector: has no effect on one host (ignored; said once)",
             "supervisor.yaml:9:19: Pod/a: spec.containers[0].resources.requests: has no effect on one host (a scheduler's reservation; limits are what is enforced; said once)",
             "supervisor.yaml:20:7: Deployment/b: spec.template.spec.tolerations: has no effect on one host (ignored; said once)"],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void An_apostrophe_escaped_in_a_double_quoted_scalar_reads_as_kubectl_reads_it_and_other_scalars_keep_their_backslashes()
    {
        var result = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: quotes}
            data:
              double: "it\'s \"here\" \\ \t"
              single: 'it\'' s'
              block: |
                echo it\'s
              later: "don\'t"
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var data = ((k8s.Models.V1ConfigMap)Assert.Single(result.Objects).Model).Data;
        Assert.Equal("it's \"here\" \\ \t", data["double"]);
        Assert.Equal("it\\' s", data["single"]);
        Assert.Equal("echo it\\'s\n", data["block"]);
        Assert.Equal("don't", data["later"]);
    }

    [Fact]
    public void Another_unknown_escape_stays_an_error()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: quotes}
            data:
              a: "it\q"
            """));

        Assert.StartsWith("invalid YAML: ", error.Message);
    }

    [Fact]
    public void For_a_cluster_host_processes_sup_annotations_loopback_cluster_ips_and_host_paths_are_listed_where_they_are()
    {
        var result = Load("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: etl}
            spec:
              template:
                metadata:
                  annotations: {sup.minikube.io/step-timeout-seconds: "30"}
                spec:
                  restartPolicy: Never
                  volumes: [{name: data, hostPath: {path: /tmp}}]
                  containers:
                    - name: step
                      command: [sh, -c, "true"]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec:
              clusterIP: 127.0.0.10
              ports: [{port: 5432}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: portable}
            spec:
              containers: [{name: app, image: nginx}]
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            ["Job/etl: spec.template.metadata.annotations[sup.minikube.io/step-timeout-seconds]",
             "Job/etl: spec.template.spec.volumes[0].hostPath",
             "Job/etl: spec.template.spec.containers[0].image",
             "Service/db: spec.clusterIP"],
            result.ClusterNotes.Select(n => $"{n.ObjectRef}: {n.FieldPath}"));
        Assert.All(result.ClusterNotes, n => Assert.True(n.Line > 0, n.ToString()));
    }

    [Fact]
    public void Misspelt_kind_gets_a_suggestion()
    {
        var error = SingleError(Load("""
            apiVersion: apps/v1
            kind: deployment
            metadata: {name: web}
            """));

        Assert.Contains("did you mean \"Deployment\"?", error.Message);
    }

    [Fact]
    public void Missing_kind_is_required()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            metadata: {name: web}
            """));

        AssertError(error, 1, 1, null, "kind");
        Assert.StartsWith("required: set kind to one of Pod, ", error.Message);
    }

    [Fact]
    public void Wrong_apiVersion_for_the_kind_names_the_right_one()
    {
        var error = SingleError(Load("""
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, command: [sleep, "60"]}]
            """));

        AssertError(error, 1, 13, "Deployment/web", "apiVersion");
        Assert.Equal("Deployment is served by apiVersion apps/v1, not \"extensions/v1beta1\"", error.Message);
    }

    [Fact]
    public void Document_that_is_not_a_mapping_is_an_error()
    {
        var error = SingleError(Load("""
            - apiVersion: v1
              kind: Pod
            """));

        AssertError(error, 1, 1, null, "");
        Assert.Equal("a manifest document must be a mapping with apiVersion, kind and metadata; got a list", error.Message);
    }

    [Fact]
    public void Empty_documents_and_comment_only_documents_are_skipped()
    {
        var result = Load("""
            ---
            # nothing here
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            ---
            """);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal("ConfigMap/settings", Assert.Single(result.Objects).Ref);
    }

    [Fact]
    public void Missing_name_is_required()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              labels: {app: web}
            """));

        AssertError(error, 3, 1, "ConfigMap", "metadata.name");
        Assert.Equal("required: every object needs a name", error.Message);
    }

    [Fact]
    public void Name_must_be_a_dns_subdomain()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: Web_Config
            """));

        AssertError(error, 4, 9, "ConfigMap/Web_Config", "metadata.name");
        Assert.StartsWith("invalid name \"Web_Config\": a lowercase RFC 1123 subdomain", error.Message);
    }

    [Fact]
    public void Any_namespace_loads_and_an_invalid_one_is_named()
    {
        var loaded = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: prod
            """);
        Assert.True(loaded.Succeeded);
        Assert.Equal("prod", loaded.Objects.Single().Model.Metadata.NamespaceProperty);

        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: Prod_1
            """));
        AssertError(error, 5, 14, "ConfigMap/settings", "metadata.namespace");
        Assert.StartsWith("invalid namespace \"Prod_1\"", error.Message);
    }

    [Fact]
    public void The_same_name_in_two_namespaces_is_two_objects_and_twice_in_one_is_an_error()
    {
        Assert.True(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: prod}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            """).Succeeded);
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: prod}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: prod}
            """));
        Assert.Contains("duplicate ConfigMap \"settings\" in namespace \"prod\"", error.Message);
    }

    [Fact]
    public void Duplicate_name_of_the_same_kind_is_reported_on_the_second_with_where_the_first_is()
    {
        var result = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: settings
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            """);

        var error = SingleError(result);
        AssertError(error, 14, 9, "ConfigMap/settings", "metadata.name");
        Assert.Equal("duplicate ConfigMap \"settings\": already defined at supervisor.yaml:4:9; names must be unique per kind and namespace", error.Message);
    }

    [Fact]
    public void Duplicate_names_are_found_across_files()
    {
        using var dir = new TempDir();
        var first = dir.Write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
        var second = dir.Write("b.yaml", "# second file\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");

        var result = ManifestLoader.LoadFiles([first, second]);

        var error = Assert.Single(result.Errors);
        Assert.Equal((second, 4, 18, "ConfigMap/settings", "metadata.name"), (error.File, error.Line, error.Column, error.ObjectRef, error.FieldPath));
        Assert.Contains($"already defined at {first}:3:18", error.Message);
    }

    [Fact]
    public void Errors_are_listed_file_by_file_in_the_order_given()
    {
        using var dir = new TempDir();
        var first = dir.Write("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n");
        var second = dir.Write("b.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec: {containerz: []}\n");

        var result = ManifestLoader.LoadFiles([first, second]);

        Assert.Equal([(first, "spec.containers"), (second, "spec.containerz")], result.Errors.Select(e => (e.File, e.FieldPath)));
    }

    [Fact]
    public void Duplicate_yaml_key_is_a_syntax_error()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data:
              a: "1"
              a: "2"
            """));

        AssertError(error, 6, 3, null, "");
        Assert.Equal("invalid YAML: Duplicate key a", error.Message);
    }

    [Fact]
    public void Alias_bomb_is_refused_instead_of_exhausting_memory()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nx0: &a0 [a, a, a, a, a, a, a, a, a, a]\n";
        for (var i = 1; i < 9; i++)
        {
            yaml += $"x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n";
        }

        var result = ManifestLoader.LoadText(yaml, FileName);

        Assert.Contains(result.Errors, e => e.Message.StartsWith("document expands to more than", StringComparison.Ordinal));
        Assert.Empty(result.Objects);
    }

    [Fact]
    public void File_that_does_not_exist_gives_a_clear_error_with_line_zero()
    {
        var result = ManifestLoader.LoadFiles(["/nonexistent/dir/supervisor.yaml"]);

        var error = Assert.Single(result.Errors);
        Assert.Equal(new ManifestError("/nonexistent/dir/supervisor.yaml", 0, 0, null, "", "file not found (looked in /nonexistent/dir/supervisor.yaml)"), error);
        Assert.Equal("/nonexistent/dir/supervisor.yaml: file not found (looked in /nonexistent/dir/supervisor.yaml)", error.ToString());
        Assert.Empty(result.Objects);
    }

    [Fact]
    public void All_errors_of_a_file_are_reported_at_once()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenessProbe:
                    exec: {command: ["true"]}
                    periodSeconds: 0
                    failureThreshold: -1
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: once
            spec:
              template:
                spec:
                  containers:
                    - name: step
            """);

        Assert.Equal(
            [
                (11, 24, "Pod/web", "spec.containers[0].livenessProbe.periodSeconds"),
                (12, 27, "Pod/web", "spec.containers[0].livenessProbe.failureThreshold"),
                (20, 5, "Job/once", "spec.template.spec.restartPolicy"),
                (22, 11, "Job/once", "spec.template.spec.containers[0].command"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.ObjectRef, e.FieldPath)));
    }

    [Fact]
    public void A_file_with_three_mistakes_gives_three_errors()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  comand: [sleep, "60"]
                  ports:
                    - containerPort: http
              restartPolicy: [Always]
            """);

        Assert.Equal(3, result.Errors.Count);
        Assert.Equal(
            ["spec.containers[0].comand", "spec.containers[0].ports[0].containerPort", "spec.restartPolicy"],
            result.Errors.Select(e => e.FieldPath));
    }

    [Fact]
    public void Json_documents_load_like_yaml()
    {
        var result = Load("""
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "web", "command": ["sleep", "60"], "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 0}}]}}
            """);

        var error = SingleError(result);
        AssertError(error, 2, 136, "Pod/web", "spec.containers[0].livenessProbe.periodSeconds");
    }

    [Fact]
    public void Yaml_anchors_and_merge_keys_are_honoured()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - &base
                  name: one
                  command: [sleep, "60"]
                  readinessProbe: &probe
                    exec: {command: ["true"]}
                - <<: *base
                  name: two
                  livenessProbe: *probe
            """);

        Assert.True(result.Succeeded, Describe(result));
        var pod = Assert.IsType<V1Pod>(Assert.Single(result.Objects).Model);
        Assert.Equal(["one", "two"], pod.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["sleep", "60"], pod.Spec.Containers[1].Command);
        Assert.Equal(["true"], pod.Spec.Containers[1].LivenessProbe.Exec.Command);
    }

    [Fact]
    public void Errors_print_as_file_line_column_object_path_message()
    {
        var error = new ManifestError("supervisor.yaml", 12, 28, "Pod/web", "spec.containers[0].livenessProbe.periodSeconds", "must be greater than zero");
        Assert.Equal("supervisor.yaml:12:28: Pod/web: spec.containers[0].livenessProbe.periodSeconds: must be greater than zero", error.ToString());
        Assert.Equal("supervisor.yaml:3:1: invalid YAML: oops", new ManifestError("supervisor.yaml", 3, 1, null, "", "invalid YAML: oops").ToString());
        Assert.Equal("supervisor.yaml:3:1: Pod/web: oops", new ManifestError("supervisor.yaml", 3, 1, "Pod/web", "", "oops").ToString());
    }

    private static string Fixture(string name, [CallerFilePath] string thisFile = "")
        => Path.Combine(Path.GetDirectoryName(thisFile)!, "Fixtures", name);

    private sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sup-spec-" + Guid.NewGuid().ToString("N"));

        public string Write(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

public class NestingGuardTests
{
    [Theory]
    [InlineData(100_000)]
    [InlineData(65)]
    public void Input_nested_deeper_than_any_object_needs_is_an_error_not_a_stack_overflow(int levels)
    {
        var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\n  labels: " + new string('[', levels) + new string(']', levels) + "\n";
        var result = MiniKube.Sup.Spec.ManifestLoader.LoadText(yaml, "deep.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("nested deeper than 64 levels", error.Message);
    }

    [Fact]
    public void Deep_json_is_refused_the_same_way()
    {
        var json = string.Concat(Enumerable.Repeat("{\"a\":", 200_000)) + "1" + new string('}', 200_000);
        var result = MiniKube.Sup.Spec.ManifestLoader.LoadText(json, "request");
        Assert.Contains("nested deeper than 64 levels", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Ordinary_nesting_is_accepted()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n";
        Assert.True(MiniKube.Sup.Spec.ManifestLoader.LoadText(yaml, "ok.yaml").Succeeded);
    }
}
