using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Pods;

public sealed class ImageLaunchBuilderTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-image-launch-");

    public void Dispose() => _dir.Dispose();

    private static V1Pod Pod(V1Container container, V1PodSecurityContext? security = null, IList<V1Volume>? volumes = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", Uid = "u" },
        Spec = new V1PodSpec { Containers = [container], SecurityContext = security, Volumes = volumes },
    };

    [Fact]
    public void Command_and_args_expand_declared_variables_and_stay_apart()
    {
        var container = new V1Container { Name = "app", Image = "busybox", Command = ["sh", "-c"], Args = ["echo $(GREETING) $(UNKNOWN)"] };
        var launch = ImageLaunchBuilder.Build(Pod(container), container, new Dictionary<string, string> { ["GREETING"] = "hi" }, [], TimeSpan.FromSeconds(5));
        Assert.Equal(["sh", "-c"], launch.Entrypoint);
        Assert.Equal(["echo hi $(UNKNOWN)"], launch.Args);
        Assert.Equal("Always", launch.PullPolicy); // k8s: no tag → Always
        Assert.Equal(TimeSpan.FromSeconds(5), launch.StopTimeout);
    }

    [Fact]
    public void No_command_and_no_args_keep_the_images_own()
    {
        var container = new V1Container { Name = "app", Image = "nginx:1.14.2" };
        var launch = ImageLaunchBuilder.Build(Pod(container), container, new Dictionary<string, string>(), [], TimeSpan.Zero);
        Assert.Null(launch.Entrypoint);
        Assert.Null(launch.Args);
        Assert.Equal("IfNotPresent", launch.PullPolicy);
    }

    [Fact]
    public void Mounts_bind_the_volume_or_its_subPath_and_configMaps_are_read_only()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir.Path, "data")).FullName;
        var config = Directory.CreateDirectory(Path.Combine(_dir.Path, "config")).FullName;
        var container = new V1Container
        {
            Name = "app",
            Image = "busybox",
            VolumeMounts =
            [
                new V1VolumeMount { Name = "data", MountPath = "/data" },
                new V1VolumeMount { Name = "data", MountPath = "/logs", SubPath = "logs", ReadOnlyProperty = true },
                new V1VolumeMount { Name = "config", MountPath = "/etc/app" },
            ],
        };
        var pod = Pod(container, volumes: [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }, new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "c" } }]);
        var launch = ImageLaunchBuilder.Build(pod, container, new Dictionary<string, string>(),
            [new PreparedVolume("data", data), new PreparedVolume("config", config)], TimeSpan.Zero);
        Assert.Equal(
            [new(data, "/data"), new(Path.Combine(data, "logs"), "/logs", true), new(config, "/etc/app", true)],
            launch.Mounts);
        Assert.True(Directory.Exists(Path.Combine(data, "logs")), "a subPath that does not exist yet is made");
    }

    [Fact]
    public void A_mount_of_a_volume_that_was_not_set_up_is_a_config_error()
    {
        var container = new V1Container { Name = "app", Image = "busybox", VolumeMounts = [new V1VolumeMount { Name = "nope", MountPath = "/x" }] };
        Assert.Throws<ContainerConfigException>(() => ImageLaunchBuilder.Build(Pod(container), container, new Dictionary<string, string>(), [], TimeSpan.Zero));
    }

    [Fact]
    public void The_containers_securityContext_wins_over_the_pods()
    {
        var security = ImageLaunchBuilder.Security(
            new V1PodSecurityContext { RunAsUser = 1000, RunAsGroup = 1000, RunAsNonRoot = true, SupplementalGroups = [5] },
            new V1SecurityContext { RunAsUser = 2000, Capabilities = new V1Capabilities { Drop = ["ALL"] }, ReadOnlyRootFilesystem = true });
        Assert.Equal((2000L, 1000L, true), (security.RunAsUser, security.RunAsGroup, security.RunAsNonRoot));
        Assert.Equal([5L], security.SupplementalGroups);
        Assert.Equal(["ALL"], security.DropCapabilities);
        Assert.True(security.ReadOnlyRootFilesystem);
    }

    [Fact]
    public void Limits_are_read_as_bytes_and_cores()
    {
        var limits = ImageLaunchBuilder.Limits(new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi"), ["cpu"] = new("500m") },
        });
        Assert.Equal(64L * 1024 * 1024, limits.MemoryBytes);
        Assert.Equal(0.5m, limits.Cpus);
    }
}
