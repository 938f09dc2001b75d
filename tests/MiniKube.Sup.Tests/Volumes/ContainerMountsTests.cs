using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Volumes;

/// <summary>Relative mountPath links and subPaths never leave their root (the working directory, the volume),
/// whatever `..` or symlinks they go through.</summary>
public sealed class ContainerMountsTests : IDisposable
{
    private readonly TempDirectory _root = new("sup-mounts-");
    private readonly string _work;
    private readonly string _volume;

    public ContainerMountsTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_root.Path, "work")).FullName;
        _volume = Directory.CreateDirectory(Path.Combine(_root.Path, "volume")).FullName;
    }

    public void Dispose() => _root.Dispose();

    private Dictionary<string, string> Prepare(string mountPath, string? subPath = null) => ContainerMounts.Prepare(
        new V1Container { Name = "c", VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = mountPath, SubPath = subPath }] },
        [new PreparedVolume("data", _volume)],
        _work);

    [Theory]
    [InlineData("../victim", "victim")]
    [InlineData("../../../../../../victim", "victim")]
    [InlineData("a/../../b/../victim", "victim")]
    [InlineData("./deep/../victim", "victim")]
    public void A_mountPath_with_dot_dot_links_inside_the_working_directory(string mountPath, string inside)
    {
        var precious = Path.Combine(_root.Path, "precious");
        File.WriteAllText(precious, "host data");
        File.CreateSymbolicLink(Path.Combine(_root.Path, "victim"), precious);

        Prepare(mountPath);

        Assert.Equal(precious, new FileInfo(Path.Combine(_root.Path, "victim")).LinkTarget);
        Assert.Equal(_volume, new FileInfo(Path.Combine(_work, inside)).LinkTarget);
    }

    [Fact]
    public void A_mountPath_through_a_symlink_that_points_out_is_resolved_inside_the_working_directory()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_root.Path, "outside")).FullName;
        File.CreateSymbolicLink(Path.Combine(_work, "out"), outside);
        File.CreateSymbolicLink(Path.Combine(_work, "up"), "../..");

        Prepare("out/link");
        Prepare("up/other");

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        // securejoin: an absolute link target is taken from the root; `..` never climbs above it.
        Assert.Equal(_volume, new FileInfo(Path.Combine(_work, outside.TrimStart('/'), "link")).LinkTarget);
        Assert.Equal(_volume, new FileInfo(Path.Combine(_work, "other")).LinkTarget);
        Assert.False(Path.Exists(Path.Combine(_root.Path, "other")));
    }

    [Fact]
    public void A_mountPath_that_names_the_working_directory_itself_is_refused()
    {
        var e = Assert.Throws<ContainerConfigException>(() => Prepare("a/.."));
        Assert.Equal("mountPath \"a/..\" must name a link inside the working directory", e.Message);
    }

    [Fact]
    public void A_subPath_through_a_symlink_out_of_its_volume_is_refused_and_creates_nothing()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_root.Path, "outside")).FullName;
        File.CreateSymbolicLink(Path.Combine(_volume, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(_volume, "up"), "..");

        var absolute = Assert.Throws<ContainerConfigException>(() => Prepare("link", "escape/new"));
        var relative = Assert.Throws<ContainerConfigException>(() => Prepare("link", "up/outside/new"));

        Assert.Equal("subPath \"escape/new\" leaves its volume (through a symbolic link)", absolute.Message);
        Assert.Equal("subPath \"up/outside/new\" leaves its volume (through a symbolic link)", relative.Message);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public void A_subPath_through_a_symlink_inside_its_volume_is_followed()
    {
        Directory.CreateDirectory(Path.Combine(_volume, "real"));
        File.CreateSymbolicLink(Path.Combine(_volume, "alias"), "real");

        Prepare("link", "alias/logs");

        Assert.True(Directory.Exists(Path.Combine(_volume, "real", "logs")));
        Assert.Equal(Path.Combine(_volume, "real", "logs"), new FileInfo(Path.Combine(_work, "link")).LinkTarget);
    }
}
