using System.Net.Sockets;
using System.Text;
using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Volumes;

public sealed class PodVolumesTests : IDisposable
{
    private readonly TempDirectory _root = new("sup-volumes-");
    private readonly StatePaths _paths;
    private readonly InMemoryConfigSource _config = new();
    private Socket? _socket;

    public PodVolumesTests() => _paths = new StatePaths(Path.Combine(_root.Path, "state"));

    public void Dispose()
    {
        _socket?.Dispose();
        PodVolumes.Teardown(_paths.PodDirectory("p"));
        _root.Dispose();
    }

    private IReadOnlyList<PreparedVolume> SetUp(params V1Volume[] volumes) =>
        new PodVolumes(_paths, _config).SetUp(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Volumes = volumes } });

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    [Fact]
    public void EmptyDir_is_a_world_writable_directory_in_the_pod_directory()
    {
        var volume = Assert.Single(SetUp(new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() }));

        Assert.Equal(Path.Combine(_paths.PodDirectory("p"), "volumes", "cache"), volume.HostPath);
        Assert.True(Directory.Exists(volume.HostPath));
        Assert.Equal((UnixFileMode)0x1FF, Mode(volume.HostPath));
    }

    [Fact]
    public void Memory_emptyDir_is_a_tmpfs_when_the_daemon_may_mount_and_says_so_when_not()
    {
        var volume = Assert.Single(SetUp(new V1Volume { Name = "mem", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity("1Mi") } }));

        if (MountTable.IsMountPoint(volume.HostPath))
        {
            Assert.Equal("tmpfs", volume.Note);
            var mountInfo = File.ReadAllLines("/proc/self/mountinfo").Single(l => l.Split(' ')[4] == volume.HostPath);
            Assert.Contains("size=1024k", mountInfo);
            PodVolumes.Teardown(_paths.PodDirectory("p"));
            Assert.False(MountTable.IsMountPoint(volume.HostPath));
        }
        else
        {
            Assert.StartsWith("plain directory on disk, not tmpfs: mount failed:", volume.Note);
        }
    }

    [Fact]
    public void PersistentVolumeClaim_is_a_directory_in_the_state_dir_that_outlives_the_pod()
    {
        var volume = Assert.Single(SetUp(new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "db" } }));

        Assert.Equal(Path.Combine(_paths.Root, "volumes", "db"), volume.HostPath);
        Assert.True(Directory.Exists(volume.HostPath));
        Assert.Equal(Path.Combine(_paths.Root, "volumes", "www-web-2"), _paths.ClaimDirectory("www", "web", 2));
    }

    [Theory]
    [InlineData("../../outside")]
    [InlineData("/tmp/sup-claim-outside")]
    [InlineData("a/b")]
    public void A_claimName_that_is_not_a_name_fails_the_mount_and_creates_nothing(string claimName)
    {
        // Validation refuses these; an object stored by an older sup reaches the kubelet side all the same.
        var e = Assert.Throws<VolumeSetupException>(() => SetUp(new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claimName } }));

        Assert.StartsWith($"invalid claim name \"{claimName}\": a lowercase RFC 1123 subdomain", e.Message);
        Assert.False(Path.Exists(Path.GetFullPath(Path.Combine(_paths.Root, "volumes", claimName))));
    }

    [Fact]
    public void ConfigMap_and_secret_volume_directories_have_the_mode_kubernetes_gives_them()
    {
        // k8s: both are set up on a wrapped emptyDir, whose directory is 0777; the files get defaultMode.
        _config.WithConfigMap("app", new() { ["greeting"] = "hello" });
        _config.WithSecret("creds", data: new() { ["token"] = "abc"u8.ToArray() });

        var volumes = SetUp(
            new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "app", Items = [new V1KeyToPath { Key = "greeting", Path = "nested/hello" }] } },
            new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "creds", DefaultMode = 0x100 } });

        Assert.Equal((UnixFileMode)0x1FF, Mode(volumes[0].HostPath));
        Assert.Equal((UnixFileMode)0x1ED, Mode(Path.Combine(volumes[0].HostPath, "nested")));
        Assert.Equal((UnixFileMode)0x1FF, Mode(volumes[1].HostPath));
        Assert.Equal(UnixFileMode.UserRead, Mode(Path.Combine(volumes[1].HostPath, "token")));
    }

    [Fact]
    public void HostPath_DirectoryOrCreate_makes_the_directory_0755_with_parents()
    {
        var path = Path.Combine(_root.Path, "a", "b");

        SetUp(new V1Volume { Name = "h", HostPath = new V1HostPathVolumeSource { Path = path, Type = "DirectoryOrCreate" } });

        Assert.True(Directory.Exists(path));
        Assert.Equal((UnixFileMode)0x1ED, Mode(path));
    }

    [Fact]
    public void HostPath_FileOrCreate_makes_an_empty_0644_file_but_needs_its_parent()
    {
        var file = Path.Combine(_root.Path, "f.txt");
        var orphan = Path.Combine(_root.Path, "missing", "f.txt");

        SetUp(new V1Volume { Name = "h", HostPath = new V1HostPathVolumeSource { Path = file, Type = "FileOrCreate" } });
        var e = Assert.Throws<VolumeSetupException>(() => SetUp(new V1Volume { Name = "h", HostPath = new V1HostPathVolumeSource { Path = orphan, Type = "FileOrCreate" } }));

        Assert.Equal(0, new FileInfo(file).Length);
        Assert.Equal((UnixFileMode)0x1A4, Mode(file));
        Assert.Equal($"MountVolume.SetUp failed for volume \"h\" : open {orphan}: no such file or directory", e.EventMessage);
    }

    [Theory]
    [InlineData("Directory", "file", "is not a directory")]
    [InlineData("Directory", "missing", "is not a directory")]
    [InlineData("File", "dir", "is not a file")]
    [InlineData("Socket", "file", "is not a socket file")]
    [InlineData("CharDevice", "file", "is not a character device")]
    [InlineData("BlockDevice", "/dev/null", "is not a block device")]
    [InlineData("DirectoryOrCreate", "file", "is not a directory")]
    [InlineData("FileOrCreate", "dir", "is not a file")]
    public void HostPath_type_check_fails_with_the_kubelet_message(string type, string what, string expected)
    {
        var path = Existing(what);

        var e = Assert.Throws<VolumeSetupException>(() => SetUp(new V1Volume { Name = "x", HostPath = new V1HostPathVolumeSource { Path = path, Type = type } }));

        Assert.Equal($"MountVolume.SetUp failed for volume \"x\" : hostPath type check failed: {path} {expected}", e.EventMessage);
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("Directory", "dir")]
    [InlineData("File", "file")]
    [InlineData("Socket", "socket")]
    [InlineData("CharDevice", "/dev/null")]
    public void HostPath_type_check_passes_for_the_right_type(string type, string what)
    {
        var path = Existing(what);

        var volume = Assert.Single(SetUp(new V1Volume { Name = "x", HostPath = new V1HostPathVolumeSource { Path = path, Type = type } }));

        Assert.Equal(path, volume.HostPath);
    }

    [Fact]
    public void ConfigMap_volume_has_a_file_per_key_with_defaultMode()
    {
        _config.WithConfigMap("app", new() { ["greeting"] = "hello", ["level"] = "info" });

        var volume = Assert.Single(SetUp(new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "app", DefaultMode = 0x100 } }));

        Assert.Equal("hello", File.ReadAllText(Path.Combine(volume.HostPath, "greeting")));
        Assert.Equal("info", File.ReadAllText(Path.Combine(volume.HostPath, "level")));
        Assert.Equal(UnixFileMode.UserRead, Mode(Path.Combine(volume.HostPath, "level")));
    }

    [Fact]
    public void Items_project_only_the_listed_keys_at_their_paths_and_modes()
    {
        _config.WithConfigMap("app", new() { ["greeting"] = "hello", ["level"] = "info" });

        var volume = Assert.Single(SetUp(new V1Volume
        {
            Name = "cfg",
            ConfigMap = new V1ConfigMapVolumeSource { Name = "app", Items = [new V1KeyToPath { Key = "greeting", Path = "conf/hello.txt", Mode = 0x180 }] },
        }));

        Assert.Equal(["conf/hello.txt"], Directory.GetFiles(volume.HostPath, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(volume.HostPath, f)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Mode(Path.Combine(volume.HostPath, "conf", "hello.txt")));
    }

    [Fact]
    public void Secret_volume_holds_decoded_data_and_stringData_0644_by_default()
    {
        _config.WithSecret("creds", data: new() { ["token"] = Encoding.UTF8.GetBytes("abc") }, stringData: new() { ["user"] = "admin" });

        var volume = Assert.Single(SetUp(new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "creds" } }));

        Assert.Equal("abc", File.ReadAllText(Path.Combine(volume.HostPath, "token")));
        Assert.Equal("admin", File.ReadAllText(Path.Combine(volume.HostPath, "user")));
        Assert.Equal((UnixFileMode)0x1A4, Mode(Path.Combine(volume.HostPath, "token")));
    }

    [Fact]
    public void Missing_ConfigMap_or_key_fails_the_mount_unless_optional()
    {
        var missing = Assert.Throws<VolumeSetupException>(() => SetUp(new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "app" } }));
        var optional = Assert.Single(SetUp(new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "app", Optional = true } }));
        _config.WithConfigMap("app", new() { ["a"] = "1" });
        var missingKey = Assert.Throws<VolumeSetupException>(() => SetUp(new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "app", Items = [new V1KeyToPath { Key = "b", Path = "b" }] } }));

        Assert.Equal("MountVolume.SetUp failed for volume \"cfg\" : configmap \"app\" not found", missing.EventMessage);
        Assert.Empty(Directory.GetFileSystemEntries(optional.HostPath));
        Assert.Equal("configmap references non-existent config key: b", missingKey.Message);
    }

    [Fact]
    public void Relative_mountPath_is_a_link_in_the_working_directory_and_absolute_ones_only_an_env_var()
    {
        var volumes = SetUp(new V1Volume { Name = "shared-data", EmptyDir = new V1EmptyDirVolumeSource() });
        var work = Directory.CreateDirectory(Path.Combine(_root.Path, "work")).FullName;
        var container = new V1Container
        {
            Name = "c",
            VolumeMounts = [new V1VolumeMount { Name = "shared-data", MountPath = "data" }, new V1VolumeMount { Name = "shared-data", MountPath = "logs/app", SubPath = "logs" }, new V1VolumeMount { Name = "shared-data", MountPath = "/abs" }],
        };

        var variables = ContainerMounts.Prepare(container, volumes, work);
        File.WriteAllText(Path.Combine(work, "data", "x"), "through the link");
        ContainerMounts.Prepare(container, volumes, work); // again, as on a restart: links are replaced

        Assert.Equal(volumes[0].HostPath, variables["VOLUME_SHARED_DATA"]);
        Assert.Equal("through the link", File.ReadAllText(Path.Combine(volumes[0].HostPath, "x")));
        Assert.Equal(Path.Combine(volumes[0].HostPath, "logs"), new DirectoryInfo(Path.Combine(work, "logs", "app")).LinkTarget);
        Assert.False(Path.Exists("/abs"));
    }

    private string Existing(string what)
    {
        switch (what)
        {
            case "file":
                var file = Path.Combine(_root.Path, "file");
                File.WriteAllText(file, "x");
                return file;
            case "dir":
                return Directory.CreateDirectory(Path.Combine(_root.Path, "dir")).FullName;
            case "socket":
                var path = Path.Combine(_root.Path, "sock");
                // Kept open until the test ends: .NET removes the socket file when the socket is disposed.
                _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                _socket.Bind(new UnixDomainSocketEndPoint(path));
                return path;
            case "missing":
                return Path.Combine(_root.Path, "missing");
            default:
                return what;
        }
    }
}
