using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

public class ManifestValidatorTests
{
    [Fact]
    public void Container_without_image_needs_a_command()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  workingDir: /tmp
            """));

        AssertError(error, 6, 7, "Pod/web", "spec.containers[0].command");
        Assert.Equal("a container without image runs as a host process and needs command (or args, whose first is the program)", error.Message);
    }

    [Fact]
    public void A_host_container_with_only_args_runs_its_first_arg_as_the_program()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {sup.minikube.io/runtime: host}
            spec:
              containers:
                - name: web
                  image: busybox
                  args: [sleep, "5"]
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void An_image_container_loads_whatever_container_engine_the_machine_has()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
            """);

        Assert.True(result.Succeeded, Describe(result));
    }

    [Fact]
    public void A_pod_that_mixes_image_and_host_containers_is_an_error_at_the_host_container()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              initContainers:
                - name: setup
                  image: busybox
              containers:
                - name: web
                  command: ["/bin/sleep", "1"]
            """));

        AssertError(error, 9, 7, "Pod/web", "spec.containers[0]");
        Assert.StartsWith("this container has no image while spec.initContainers[0] has one: a pod runs either images (in a container engine) or host processes, not both", error.Message);
    }

    [Fact]
    public void With_the_host_runtime_annotation_a_pod_may_mix_image_and_host_containers()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {sup.minikube.io/runtime: host}
            spec:
              containers:
                - {name: a, image: busybox, command: ["/bin/sleep", "1"]}
                - {name: b, command: ["/bin/sleep", "1"]}
            """);

        Assert.True(result.Succeeded, Describe(result));
    }

    [Fact]
    public void Host_runtime_annotation_runs_an_image_container_as_a_host_process_which_needs_a_command()
    {
        var result = Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata:
                  labels: {app: web}
                  annotations:
                    sup.minikube.io/runtime: host
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
                      command: [nginx, -g, "daemon off;"]
                    - name: sidecar
                      image: busybox
            """);

        var error = SingleError(result);
        AssertError(error, 16, 11, "Deployment/web", "spec.template.spec.containers[1].command");
        Assert.StartsWith("with annotation sup.minikube.io/runtime: host the container runs as a host process and needs command", error.Message);
    }

    [Fact]
    public void Deployment_pods_must_restart_always()
    {
        var error = SingleError(Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: web, command: [sleep, "60"]}]
            """));

        AssertError(error, 9, 22, "Deployment/web", "spec.template.spec.restartPolicy");
        Assert.Equal("unsupported value \"OnFailure\": a Deployment's pods run until replaced; only \"Always\" is allowed", error.Message);
    }

    [Fact]
    public void A_replica_sets_pods_must_restart_always_and_its_selector_match_its_template()
    {
        var result = Load("""
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: other}}
                spec:
                  restartPolicy: Never
                  containers: [{name: web, command: [sleep, "60"]}]
            """);

        Assert.Contains(result.Errors, e => e.FieldPath == "spec.template.spec.restartPolicy" && e.Message == "unsupported value \"Never\": a ReplicaSet's pods run until replaced; only \"Always\" is allowed");
        Assert.Contains(result.Errors, e => e.FieldPath.StartsWith("spec.template.metadata.labels", StringComparison.Ordinal) || e.FieldPath.StartsWith("spec.selector", StringComparison.Ordinal));
    }

    [Fact]
    public void Job_pods_may_not_restart_always()
    {
        var error = SingleError(Load("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  restartPolicy: Always
                  containers: [{name: step, command: ["true"]}]
            """));

        AssertError(error, 7, 22, "Job/once", "spec.template.spec.restartPolicy");
        Assert.Equal("unsupported value \"Always\": a Job's pods must finish; allowed \"Never\", \"OnFailure\"", error.Message);
    }

    [Fact]
    public void Job_pods_need_an_explicit_restart_policy()
    {
        var error = SingleError(Load("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  containers: [{name: step, command: ["true"]}]
            """));

        AssertError(error, 6, 5, "Job/once", "spec.template.spec.restartPolicy");
        Assert.Equal("required: a Job's pods must finish; set restartPolicy to \"Never\" or \"OnFailure\"", error.Message);
    }

    [Fact]
    public void CronJob_job_template_pods_need_an_explicit_restart_policy()
    {
        var error = SingleError(Load("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers: [{name: step, command: ["true"]}]
            """));

        AssertError(error, 9, 9, "CronJob/nightly", "spec.jobTemplate.spec.template.spec.restartPolicy");
    }

    [Fact]
    public void Pod_restart_policy_must_be_a_known_value()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              restartPolicy: Sometimes
              containers: [{name: web, command: [sleep, "60"]}]
            """));

        AssertError(error, 5, 18, "Pod/web", "spec.restartPolicy");
        Assert.Equal("unsupported value \"Sometimes\": allowed \"Always\", \"OnFailure\", \"Never\"", error.Message);
    }

    [Fact]
    public void Zero_probe_period_is_rejected()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenessProbe:
                    exec: {command: ["true"]}
                    periodSeconds: 0
            """));

        AssertError(error, 10, 24, "Pod/web", "spec.containers[0].livenessProbe.periodSeconds");
        Assert.Equal("supervisor.yaml:10:24: Pod/web: spec.containers[0].livenessProbe.periodSeconds: must be greater than zero", error.ToString());
    }

    [Fact]
    public void Negative_timing_fields_are_each_rejected()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              terminationGracePeriodSeconds: -1
              activeDeadlineSeconds: 0
              containers:
                - name: web
                  command: [sleep, "60"]
                  readinessProbe:
                    exec: {command: ["true"]}
                    initialDelaySeconds: -5
                    timeoutSeconds: 0
            """);

        Assert.Equal(
            [
                (5, 34, "spec.terminationGracePeriodSeconds", "must be greater than or equal to 0"),
                (6, 26, "spec.activeDeadlineSeconds", "must be greater than zero"),
                (12, 30, "spec.containers[0].readinessProbe.initialDelaySeconds", "must be greater than or equal to 0"),
                (13, 25, "spec.containers[0].readinessProbe.timeoutSeconds", "must be greater than zero"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.FieldPath, e.Message)));
    }

    [Fact]
    public void Negative_job_backoff_limit_and_replicas_are_rejected()
    {
        var result = Load("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              backoffLimit: -1
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: step, command: ["true"]}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              replicas: -2
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, command: [sleep, "60"]}]}
            """);

        Assert.Equal(
            [(5, 17, "Job/once", "spec.backoffLimit"), (15, 13, "StatefulSet/db", "spec.replicas")],
            result.Errors.Select(e => (e.Line, e.Column, e.ObjectRef, e.FieldPath)));
    }

    [Fact]
    public void Liveness_success_threshold_must_be_one()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenessProbe: {exec: {command: ["true"]}, successThreshold: 2}
            """));

        AssertError(error, 8, 68, "Pod/web", "spec.containers[0].livenessProbe.successThreshold");
        Assert.Equal("must be 1 for liveness probes, got 2", error.Message);
    }

    [Fact]
    public void Readiness_probe_may_not_set_a_termination_grace_period()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  readinessProbe:
                    exec: {command: ["true"]}
                    terminationGracePeriodSeconds: 5
            """));

        AssertError(error, 10, 40, "Pod/web", "spec.containers[0].readinessProbe.terminationGracePeriodSeconds");
        Assert.StartsWith("not allowed on a readiness probe", error.Message);
    }

    [Fact]
    public void Probe_with_no_handler_is_rejected_at_the_probe()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  startupProbe:
                    periodSeconds: 1
            """));

        AssertError(error, 8, 7, "Pod/web", "spec.containers[0].startupProbe");
        Assert.Equal("probe needs exactly one handler: exec, httpGet, tcpSocket or grpc; found none", error.Message);
    }

    [Fact]
    public void Probe_with_two_handlers_names_both()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  ports: [{containerPort: 8080}]
                  readinessProbe:
                    exec: {command: ["true"]}
                    httpGet: {port: 8080}
            """));

        AssertError(error, 9, 7, "Pod/web", "spec.containers[0].readinessProbe");
        Assert.Equal("probe needs exactly one handler: exec, httpGet, tcpSocket or grpc; found 2: exec, httpGet", error.Message);
    }

    [Fact]
    public void Exec_probe_needs_a_command()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  livenessProbe:
                    exec: {command: []}
            """));

        AssertError(error, 9, 16, "Pod/web", "spec.containers[0].livenessProbe.exec.command");
    }

    [Fact]
    public void Named_probe_port_must_be_a_port_of_the_container()
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
                  livenessProbe:
                    httpGet: {port: metrics}
            """));

        AssertError(error, 10, 25, "Pod/web", "spec.containers[0].livenessProbe.httpGet.port");
        Assert.Equal("no containerPort named \"metrics\" in this container (named ports: http)", error.Message);
    }

    [Fact]
    public void Ports_must_be_between_1_and_65535()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: web
                  command: [sleep, "60"]
                  ports: [{containerPort: 70000}]
            """));

        AssertError(error, 8, 31, "Pod/web", "spec.containers[0].ports[0].containerPort");
        Assert.Equal("must be between 1 and 65535, inclusive, got 70000", error.Message);
    }

    [Fact]
    public void Regular_init_containers_may_not_have_probes_but_sidecars_may()
    {
        var result = Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              initContainers:
                - name: migrate
                  command: [migrate.sh]
                  readinessProbe: {exec: {command: ["true"]}}
                - name: proxy
                  command: [proxy]
                  restartPolicy: Always
                  readinessProbe: {exec: {command: ["true"]}}
              containers: [{name: web, command: [sleep, "60"]}]
            """);

        var error = SingleError(result);
        AssertError(error, 8, 7, "Pod/web", "spec.initContainers[0].readinessProbe");
        Assert.StartsWith("not allowed on an init container that runs to completion", error.Message);
    }

    [Fact]
    public void Init_container_restart_policy_may_only_be_always()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              initContainers: [{name: setup, command: [setup.sh], restartPolicy: OnFailure}]
              containers: [{name: web, command: [sleep, "60"]}]
            """));

        AssertError(error, 5, 70, "Pod/web", "spec.initContainers[0].restartPolicy");
    }

    [Fact]
    public void Container_names_are_unique_across_init_and_regular_containers()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              initContainers:
                - name: web
                  command: [setup.sh]
              containers:
                - name: web
                  command: [sleep, "60"]
            """));

        AssertError(error, 9, 13, "Pod/web", "spec.containers[0].name");
        Assert.Equal("duplicate container name \"web\" (already used by spec.initContainers[0]); names must be unique across initContainers and containers", error.Message);
    }

    [Fact]
    public void Container_names_must_be_dns_labels()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: Web_Server, command: [sleep, "60"]}]
            """));

        AssertError(error, 5, 23, "Pod/web", "spec.containers[0].name");
    }

    [Fact]
    public void Pod_needs_at_least_one_container()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: []
            """));

        AssertError(error, 5, 3, "Pod/web", "spec.containers");
        Assert.Equal("must have at least one container", error.Message);
    }

    [Fact]
    public void Selector_must_match_the_template_labels()
    {
        var error = SingleError(Load("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector:
                matchLabels: {app: agent}
              template:
                metadata: {labels: {app: agnet}}
                spec: {containers: [{name: agent, command: [agent]}]}
            """));

        AssertError(error, 5, 3, "DaemonSet/agent", "spec.selector");
        Assert.Equal("does not match the template's labels (spec.template.metadata.labels): every pod the template makes must be selected", error.Message);
    }

    [Fact]
    public void Progress_deadline_must_exceed_min_ready_seconds()
    {
        var error = SingleError(Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              minReadySeconds: 30
              progressDeadlineSeconds: 30
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, command: [sleep, "60"]}]}
            """));

        AssertError(error, 6, 28, "Deployment/web", "spec.progressDeadlineSeconds");
        Assert.Equal("must be greater than minReadySeconds (30)", error.Message);
    }

    [Fact]
    public void CronJob_needs_a_schedule()
    {
        var error = SingleError(Load("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: ""
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: step, command: ["true"]}]
            """));

        AssertError(error, 5, 13, "CronJob/nightly", "spec.schedule");
        Assert.StartsWith("required: a cron schedule", error.Message);
    }

    [Theory]
    [InlineData("0 3 * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4")]
    [InlineData("TZ=UTC 0 3 * * *", "TZ= and CRON_TZ= are not supported in schedule; set spec.timeZone instead")]
    [InlineData("@fortnightly", "unknown macro \"@fortnightly\": allowed @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>")]
    // Parsed with Cronos as the CronJob controller parses it: a value out of range is a located error too.
    [InlineData("61 3 * * *", "unparseable schedule \"61 3 * * *\": The given cron expression has an invalid format. Minutes: Value must be a number between 0 and 59 (all inclusive).")]
    public void CronJob_schedule_must_have_a_cron_shape(string schedule, string message)
    {
        var error = SingleError(Load($$"""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "{{schedule}}"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: step, command: ["true"]}]
            """));

        AssertError(error, 5, 13, "CronJob/nightly", "spec.schedule");
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Service_needs_ports()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
            """));

        AssertError(error, 4, 1, "Service/web", "spec.ports");
        Assert.StartsWith("must have at least one port", error.Message);
    }

    [Fact]
    public void Volume_mount_must_name_a_pod_volume()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: data, emptyDir: {}}]
              containers:
                - name: web
                  command: [sleep, "60"]
                  volumeMounts: [{name: dta, mountPath: /data}]
            """));

        AssertError(error, 9, 29, "Pod/web", "spec.containers[0].volumeMounts[0].name");
        Assert.Equal("no volume named \"dta\" in the pod's volumes (volumes: data)", error.Message);
    }
}
