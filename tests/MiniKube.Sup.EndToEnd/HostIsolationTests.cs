using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Host pods that ask for it get what a container would (SPEC §3): volumes at their absolute mountPath in a
/// mount namespace of their own, readOnly enforced, the pod's /etc/hosts with the Services' names, and the user the
/// securityContext names. The daemon runs as root here.</summary>
public sealed class HostIsolationTests
{
    [Fact]
    public async Task An_init_container_fills_work_dir_that_the_app_serves_readOnly_refuses_writes_and_Services_resolve_by_name()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Service
            metadata: {name: front}
            spec:
              clusterIP: 127.0.0.77
              ports: [{port: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: init-demo}
            spec:
              restartPolicy: Never
              initContainers:
              - name: install
                command: ["sh", "-c", "echo '<html>installed by the init container</html>' > /work-dir/index.html"]
                volumeMounts: [{name: workdir, mountPath: /work-dir}]
              containers:
              - name: app
                workingDir: /work-dir
                command: ["sh", "-c", "cat index.html; touch /srv/ro/x 2>/dev/null || echo read-only refused; getent hosts front.default.svc.cluster.local; ls /tmp/sup-iso-proof 2>/dev/null || echo private tmp"]
                volumeMounts:
                - {name: workdir, mountPath: /work-dir}
                - {name: workdir, mountPath: /srv/ro, readOnly: true}
              volumes: [{name: workdir, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: tmp-demo
              annotations: {sup.minikube.io/private-tmp: "true"}
            spec:
              restartPolicy: Never
              containers:
              - name: c
                command: ["sh", "-c", "touch /tmp/sup-iso-proof && ls /tmp"]
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("init-demo", "Succeeded", 30);
        await d.WaitForPodAsync("tmp-demo", "Succeeded", 30);

        var app = (await d.Sup("logs", "init-demo", "-c", "app")).Out;
        Assert.Equal("<html>installed by the init container</html>\nread-only refused\n127.0.0.77      front.default.svc.cluster.local\nprivate tmp\n", app);
        Assert.Equal("sup-iso-proof\n", (await d.Sup("logs", "tmp-demo")).Out); // its /tmp is its own
        Assert.False(File.Exists("/tmp/sup-iso-proof"));
        Assert.Empty(Directory.EnumerateFileSystemEntries("/work-dir")); // the host's mount point holds nothing
        Assert.Empty(Directory.EnumerateFileSystemEntries("/srv/ro"));
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>A volume mounted over a parent of the state dir (the top directory it is under: /tmp for the tests; the
    /// demo's Job mounts one at /work, which hid a clone under /work) must not hide what the later mounts come from:
    /// the service account files and the pod's hosts file, in the pod directory.</summary>
    [Fact]
    public async Task A_volume_mounted_over_a_parent_of_the_state_dir_still_gets_its_service_account_and_hosts_file()
    {
        const string Manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: over-state}
            spec:
              restartPolicy: Never
              hostAliases: [{ip: 127.0.0.78, hostnames: [alias.local]}]
              containers:
              - name: c
                command: ["sh", "-c", "echo x > TOP/scratch && cat TOP/scratch; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; getent hosts alias.local"]
                volumeMounts: [{name: scratch, mountPath: TOP}]
              volumes: [{name: scratch, emptyDir: {}}]
            """;
        await using var d = new SupDaemon("");
        var top = "/" + d.StateDir.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        d.WriteManifest(Manifest.Replace("TOP", top));
        await d.StartAsync();
        await d.WaitForPodAsync("over-state", "Succeeded", 30);

        Assert.Equal("x\ndefault\n127.0.0.78      alias.local\n", (await d.Sup("logs", "over-state")).Out);
        Assert.False(File.Exists(Path.Combine(top, "scratch"))); // written into the volume, not the host's
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task RunAsUser_1000_runs_as_uid_1000_in_its_fsGroup_and_writes_its_emptyDir()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: user-demo}
            spec:
              restartPolicy: Never
              securityContext: {runAsUser: 1000, fsGroup: 2000}
              containers:
              - name: c
                command: ["sh", "-c", "id -u; id -G; echo written > /data/file && stat -c '%u %g' /data/file"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes: [{name: data, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: nonroot-demo}
            spec:
              restartPolicy: Never
              securityContext: {runAsNonRoot: true}
              containers:
              - name: c
                command: ["true"]
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("user-demo", "Succeeded", 30);

        var lines = (await d.Sup("logs", "user-demo")).Out.Split('\n');
        Assert.Equal("1000", lines[0]);
        Assert.Contains("2000", lines[1].Split(' '));
        Assert.Equal("1000 2000", lines[2]); // setgid directory: the file is the group's
        await Poll.Until(() => d.Sup("get", "pod", "nonroot-demo", "-o", "json").GetAwaiter().GetResult().Out.Contains("CreateContainerConfigError"),
            "runAsNonRoot refused for a container that would run as the daemon's root");
        Assert.Contains("container has runAsNonRoot and would run as root", (await d.Sup("get", "pod", "nonroot-demo", "-o", "json")).Out);
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>The documentation's pods/security/security-context-6.yaml, with the host annotation, as its page
    /// describes: the process runs as uid 1000, gid 3000, supplementary group 4000, no new privileges.</summary>
    [Fact]
    public async Task The_documentations_security_context_6_runs_with_its_uid_gid_groups_and_no_new_privileges()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: security-context-demo
              annotations: {sup.minikube.io/runtime: host}
            spec:
              securityContext:
                runAsUser: 1000
                runAsGroup: 3000
                supplementalGroups: [4000]
                supplementalGroupsPolicy: Strict
              containers:
              - name: sec-ctx-demo
                image: registry.k8s.io/e2e-test-images/agnhost:2.45
                command: [ "sh", "-c", "sleep 1h" ]
                securityContext:
                  allowPrivilegeEscalation: false
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("security-context-demo", "Running", 30);
        var daemonId = new StatePaths(d.StateDir).DaemonId;
        var sleep = 0;
        await Poll.Until(() =>
        {
            sleep = ProcFs.Snapshot().Where(p => p.Comm == "sleep"
                && ProcFs.ReadEnvironmentVariable(p.Pid, ContainerProcesses.OwnerVariable)?.StartsWith(daemonId, StringComparison.Ordinal) == true)
                .Select(p => p.Pid).FirstOrDefault();
            return sleep != 0;
        }, "the container's sleep");

        var status = File.ReadAllLines($"/proc/{sleep}/status").ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim());
        Assert.StartsWith("1000\t", status["Uid"]);
        Assert.StartsWith("3000\t", status["Gid"]);
        Assert.Equal("4000", status["Groups"]);
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal(0, await d.StopAsync());
    }
}
