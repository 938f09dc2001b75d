using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Pods;

public sealed class HostContainerIsolationTests
{
    private static V1Pod Pod(V1VolumeMount mount, Dictionary<string, string>? annotations = null, V1PodSecurityContext? security = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", Annotations = annotations },
        Spec = new V1PodSpec
        {
            SecurityContext = security,
            Containers = [new V1Container { Name = "c", Command = ["true"], VolumeMounts = [mount] }],
            Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }, new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "cfg" } }],
        },
    };

    [Theory]
    [InlineData("data", false, null, false)]
    [InlineData("/work-dir", false, null, true)]
    [InlineData("data", true, null, true)]
    [InlineData("data", false, "sub", true)]
    public void A_host_pod_is_isolated_only_when_a_mount_asks_for_it(string mountPath, bool readOnly, string? subPath, bool isolated)
    {
        Assert.Equal(isolated, HostContainerIsolation.Wanted(Pod(new V1VolumeMount { Name = "data", MountPath = mountPath, ReadOnlyProperty = readOnly, SubPath = subPath })));
    }

    [Fact]
    public void The_isolate_and_private_tmp_annotations_and_hostAliases_isolate_a_pod()
    {
        var plain = new V1VolumeMount { Name = "data", MountPath = "data" };
        Assert.True(HostContainerIsolation.Wanted(Pod(plain, new Dictionary<string, string> { ["sup.minikube.io/isolate"] = "true" })));
        Assert.True(HostContainerIsolation.Wanted(Pod(plain, new Dictionary<string, string> { ["sup.minikube.io/private-tmp"] = "true" })));
        Assert.False(HostContainerIsolation.Wanted(Pod(plain, new Dictionary<string, string> { ["sup.minikube.io/isolate"] = "false" })));
        var aliased = Pod(plain);
        aliased.Spec.HostAliases = [new V1HostAlias { Ip = "127.0.0.9", Hostnames = ["db.local"] }];
        Assert.True(HostContainerIsolation.Wanted(aliased));
    }

    [Fact]
    public void Mounts_go_to_their_mountPath_read_only_where_asked_and_for_configMaps_and_a_relative_read_only_one_in_place()
    {
        var pod = Pod(new V1VolumeMount { Name = "data", MountPath = "/work-dir" });
        pod.Spec.Containers[0].VolumeMounts = [
            new V1VolumeMount { Name = "data", MountPath = "/work-dir" },
            new V1VolumeMount { Name = "cfg", MountPath = "/etc/app" },
            new V1VolumeMount { Name = "data", MountPath = "ro-link", ReadOnlyProperty = true },
        ];
        PreparedVolume[] volumes = [new("data", "/state/pods/p/volumes/data"), new("cfg", "/state/pods/p/volumes/cfg")];

        var isolation = HostContainerIsolation.For(pod, pod.Spec.Containers[0], volumes, "/state/pods/p/hosts", "/work-dir");

        Assert.Equal(
            [new BindMount("/state/pods/p/volumes/data", "/work-dir"), new BindMount("/state/pods/p/volumes/cfg", "/etc/app", true),
             new BindMount("/state/pods/p/volumes/data", "/state/pods/p/volumes/data", true)],
            isolation.Mounts);
        Assert.Equal(("/state/pods/p/hosts", "/work-dir", false), (isolation.HostsFile, isolation.WorkingDirectory, isolation.PrivateTmp));
        Assert.Throws<ContainerConfigException>(() => HostContainerIsolation.For(pod, pod.Spec.Containers[0], [], null, null));
    }

    [Fact]
    public void The_pods_hosts_file_is_the_hosts_then_its_aliases_and_Services()
    {
        var pod = Pod(new V1VolumeMount { Name = "data", MountPath = "data" });
        pod.Spec.HostAliases = [new V1HostAlias { Ip = "127.0.0.9", Hostnames = ["db.local", "db"] }];

        var text = HostContainerIsolation.HostsFile("127.0.0.1 localhost", pod, [new HostEntry("front", "127.0.0.1")]);

        Assert.Equal("127.0.0.1 localhost\n# sup: the pod's hostAliases and Services\n127.0.0.9\tdb.local\n127.0.0.9\tdb\n127.0.0.1\tfront\n", text);
    }

    [Fact]
    public void A_user_comes_from_the_security_context_with_the_primary_group_from_passwd_and_fsGroup_among_the_groups()
    {
        var pod = Pod(new V1VolumeMount { Name = "data", MountPath = "data" }, security: new V1PodSecurityContext { RunAsUser = 1000, FsGroup = 2000, SupplementalGroups = [4000] });
        var container = pod.Spec.Containers[0];

        var fromPasswd = HostContainerUser.For(pod, container, 0, _ => 100)!;
        Assert.Equal((1000L, 100L, false), (fromPasswd.Uid, fromPasswd.Gid, fromPasswd.NoNewPrivileges));
        Assert.Equal([4000L, 2000L], fromPasswd.Groups);
        Assert.Equal(0, HostContainerUser.For(pod, container, 0, _ => null)!.Gid);
        Assert.Null(HostContainerUser.For(Pod(new V1VolumeMount { Name = "data", MountPath = "data" }), container, 0, _ => 100));
        container.SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, RunAsGroup = 3000 };
        var user = HostContainerUser.For(pod, container, 0, _ => 100)!;
        Assert.Equal((3000L, true), (user.Gid, user.NoNewPrivileges));
        Assert.Equal(1000, HostContainerUser.PrimaryGroup("root:x:0:0::/root:/bin/sh\nweb:x:1000:1000::/home/web:/bin/sh\n", 1000));
    }

    [Fact]
    public void RunAsNonRoot_is_refused_for_root_and_a_non_root_daemon_refuses_another_user()
    {
        var pod = Pod(new V1VolumeMount { Name = "data", MountPath = "data" }, security: new V1PodSecurityContext { RunAsNonRoot = true });
        var container = pod.Spec.Containers[0];

        Assert.Contains("would run as root", Assert.Throws<ContainerConfigException>(() => HostContainerUser.For(pod, container, 0, _ => 0)).Message);
        Assert.Null(HostContainerUser.For(pod, container, 1000, _ => 1000)); // as the non-root daemon itself: fine
        pod.Spec.SecurityContext = new V1PodSecurityContext { RunAsUser = 0, RunAsNonRoot = true };
        Assert.Contains("breaks non-root policy", Assert.Throws<ContainerConfigException>(() => HostContainerUser.For(pod, container, 0, _ => 0)).Message);
        pod.Spec.SecurityContext = new V1PodSecurityContext { RunAsUser = 1001 };
        Assert.Contains("can start processes only as itself", Assert.Throws<ContainerConfigException>(() => HostContainerUser.For(pod, container, 1000, _ => 1000)).Message);
        pod.Spec.SecurityContext = new V1PodSecurityContext { RunAsUser = 1000 };
        Assert.Null(HostContainerUser.For(pod, container, 1000, _ => 1000)); // its own uid: nothing to set (it may not set groups)
        container.SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false };
        Assert.True(HostContainerUser.For(pod, container, 1000, _ => 1000)!.TheDaemons);
    }

    [Fact]
    public void A_daemon_that_is_not_root_isolates_in_a_user_namespace_and_refuses_a_mount_point_it_cannot_make()
    {
        var pod = Pod(new V1VolumeMount { Name = "data", MountPath = "/work-dir" });
        PreparedVolume[] volumes = [new("data", "/home/u/state/pods/p/volumes/data")];
        var daemon = new DaemonIds(1000, 1000);

        var refused = Assert.Throws<ContainerConfigException>(() =>
            HostContainerIsolation.For(pod, pod.Spec.Containers[0], volumes, null, null, daemon, path => path == "/work-dir" ? "/" : null));
        Assert.Contains("volume mount at /work-dir needs a mount point that a daemon that is not root (uid 1000) cannot make: / is not its to write", refused.Message);
        Assert.Contains("$VOLUME_DATA", refused.Message);

        var isolation = HostContainerIsolation.For(pod, pod.Spec.Containers[0], volumes, null, null, daemon, _ => null);
        Assert.Equal(daemon, isolation.UserNamespace);
        Assert.Equal([new BindMount("/home/u/state/pods/p/volumes/data", "/work-dir")], isolation.Mounts);
        // In a private /tmp every mount point can be made; root needs no check.
        pod.Spec.Containers[0].VolumeMounts[0].MountPath = "/tmp/x/y";
        pod.Metadata.Annotations = new Dictionary<string, string> { ["sup.minikube.io/private-tmp"] = "true" };
        Assert.Single(HostContainerIsolation.For(pod, pod.Spec.Containers[0], volumes, null, null, daemon, _ => "/").Mounts);
        Assert.Null(HostContainerIsolation.For(pod, pod.Spec.Containers[0], volumes, null, null).UserNamespace);
    }

    [Fact]
    public void A_missing_mount_point_is_blocked_by_the_nearest_existing_directory_the_daemon_may_not_write()
    {
        var dir = Directory.CreateTempSubdirectory("sup-mountpoints-").FullName;
        try
        {
            Assert.Null(MountPoints.Blocker(dir));
            Assert.Null(MountPoints.Blocker(Path.Combine(dir, "a", "b", "c")));
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            // access(2) lets root write anything: only a user that is not root is blocked.
            Assert.Equal(Environment.UserName == "root" ? null : dir, MountPoints.Blocker(Path.Combine(dir, "a", "b")));
        }
        finally
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(dir, recursive: true);
        }
    }
}
