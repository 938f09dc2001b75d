namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// Nothing outside the state dir is created or replaced through a volume (security issue, finding 3): a
/// persistentVolumeClaim's claimName is a name (a DNS subdomain, as every PVC's), never a path; a relative
/// mountPath resolves inside the working directory as securejoin resolves it, so it never replaces a host file or
/// link outside.
/// </summary>
public sealed class PathEscapeTests
{
    [Fact]
    public async Task A_claimName_that_is_a_path_is_refused_where_it_is_written_and_creates_nothing()
    {
        await using var d = new SupDaemon("");
        var absolute = Path.Combine(d.Dir, "absolute-claim");
        d.WriteManifest($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: claims}
            spec:
              volumes:
                - {name: up, persistentVolumeClaim: {claimName: ../../escaped-claim}}
                - {name: abs, persistentVolumeClaim: {claimName: {{{absolute}}}}}
              containers:
                - {name: app, command: [sleep, "600"], volumeMounts: [{name: up, mountPath: /up}, {name: abs, mountPath: /abs}]}
            """);

        var (code, output) = await RefusedRun.RunAsync(d.StateDir, null, "run", "-f", d.ManifestPath, "--state-dir", d.StateDir);

        Assert.True(code == 2, output);
        Assert.Contains($"{d.ManifestPath}:6:53: Pod/claims: spec.volumes[0].persistentVolumeClaim.claimName: invalid claim name \"../../escaped-claim\": a lowercase RFC 1123 subdomain", output);
        Assert.Contains($"{d.ManifestPath}:7:54: Pod/claims: spec.volumes[1].persistentVolumeClaim.claimName: invalid claim name \"{absolute}\"", output);
        Assert.False(Path.Exists(Path.Combine(d.Dir, "escaped-claim")));
        Assert.False(Path.Exists(absolute));
    }

    [Fact]
    public async Task A_relative_mountPath_with_dot_dot_links_inside_the_working_directory_and_leaves_host_links_alone()
    {
        await using var d = new SupDaemon("");
        var work = Directory.CreateDirectory(Path.Combine(d.Dir, "work")).FullName;
        var precious = Path.Combine(d.Dir, "precious");
        File.WriteAllText(precious, "host data");
        var hostLink = Path.Combine(d.Dir, "victim");
        File.CreateSymbolicLink(hostLink, precious);
        d.WriteManifest($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: mounts}
            spec:
              terminationGracePeriodSeconds: 1
              volumes: [{name: scratch, emptyDir: {}}]
              containers:
                - name: app
                  workingDir: {{{work}}}
                  command: [sh, -c, "echo from-the-pod > victim/file; exec sleep 600"]
                  volumeMounts: [{name: scratch, mountPath: ../victim}]
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("mounts");
        var volume = new StatePaths(d.StateDir).PodVolumeDirectory("mounts", "scratch");
        await Poll.Until(() => File.Exists(Path.Combine(volume, "file")), "the pod to write through its link", 30);

        Assert.Equal(precious, new FileInfo(hostLink).LinkTarget);
        Assert.Equal(volume, new FileInfo(Path.Combine(work, "victim")).LinkTarget);

        var (deleted, _, err) = await d.Sup("delete", "pod/mounts");
        Assert.True(deleted == 0, err);
        await Poll.Until(() => !Directory.Exists(new StatePaths(d.StateDir).PodDirectory("mounts")), "the pod gone", 30);
        Assert.Equal("host data", File.ReadAllText(hostLink));
        Assert.Equal(0, await d.StopAsync());
    }
}
