using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Volumes and ConfigMaps end to end: the real daemon runs TestApp processes that write and read them.</summary>
public sealed class VolumeTests
{
    private const string Stack = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {greeting: hello-from-configmap, mode: demo}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: vol}
        spec:
          terminationGracePeriodSeconds: 5
          volumes:
            - {name: shared, emptyDir: {}}
            - {name: app-config, configMap: {name: settings}}
            - {name: host, hostPath: {path: HOSTDIR/created, type: DirectoryOrCreate}}
          initContainers:
            - name: init
              command: [TESTAPP]
              args: [--append, "$(VOLUME_SHARED)/note", written-by-init, --exit, "0"]
              volumeMounts: [{name: shared, mountPath: /shared}]
          containers:
            - name: app
              command: [TESTAPP]
              args: [--cat, shared/note, --cat, "$(VOLUME_APP_CONFIG)/greeting", --print-env, MODE]
              env: [{name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}]
              volumeMounts:
                - {name: shared, mountPath: shared}
                - {name: app-config, mountPath: /etc/app, readOnly: true}
                - {name: host, mountPath: /host}
        """;

    [Fact]
    public async Task Init_container_fills_an_emptyDir_the_app_reads_and_a_ConfigMap_arrives_as_env_and_file()
    {
        await using var d = new SupDaemon("");
        d.WriteManifest(Stack.Replace("HOSTDIR", d.Dir));
        await d.StartAsync();
        await d.WaitForPodAsync("vol");
        var paths = new StatePaths(d.StateDir);

        string logs = "";
        await Poll.Until(() => (logs = d.Sup("logs", "vol", "-c", "app").GetAwaiter().GetResult().Out).Contains("MODE="), "the app's output");
        Assert.Contains("shared/note: written-by-init", logs);
        Assert.Contains($"{paths.PodVolumeDirectory("vol", "app-config")}/greeting: hello-from-configmap", logs);
        Assert.Contains("MODE=demo", logs);
        Assert.True(Directory.Exists(Path.Combine(d.Dir, "created")), "hostPath DirectoryOrCreate made the directory");

        var (_, describe, _) = await d.Sup("describe", "pod/vol");
        Assert.Matches(@"shared:\n\s+Type:\s+EmptyDir", describe);
        Assert.Contains($"Host Path:    {paths.PodVolumeDirectory("vol", "shared")}", describe);
        Assert.Contains($"shared from shared (rw) -> VOLUME_SHARED={paths.PodVolumeDirectory("vol", "shared")} (link shared in the working directory", describe);
        Assert.Contains("/etc/app from app-config (ro, not enforced) -> VOLUME_APP_CONFIG=", describe);
        Assert.Contains("not at /etc/app: no mount namespace for host processes", describe);
        Assert.Contains("MODE:  <set to the key 'mode' of config map 'settings'>", describe);

        var (code, _, err) = await d.Sup("delete", "pod/vol");
        Assert.True(code == 0, err);
        await Poll.Until(() => !Directory.Exists(paths.PodDirectory("vol")), "the pod directory removed with the pod");
        Assert.True(Directory.Exists(Path.Combine(d.Dir, "created")), "a hostPath outlives the pod");
    }

    [Fact]
    public async Task EmptyDir_content_survives_container_restarts()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: counter}
            spec:
              volumes: [{name: shared, emptyDir: {}}]
              containers:
                - name: app
                  command: [TESTAPP]
                  args: [--append, shared/runs, run, --cat, shared/runs, --exit, "1"]
                  volumeMounts: [{name: shared, mountPath: shared}]
            """);
        await d.StartAsync();

        await Poll.Until(() => Regex.IsMatch(d.Sup("logs", "counter").GetAwaiter().GetResult().Out, @"shared/runs: run\|run\|run"), "a third run that sees the first two", 30);

        Assert.Equal(0, await d.StopAsync());
    }
}
