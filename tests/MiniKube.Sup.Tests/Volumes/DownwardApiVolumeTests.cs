using System.Text;
using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Volumes;

/// <summary>downwardAPI and projected volumes: the files the kubelet writes for them, in the pod directory.</summary>
public sealed class DownwardApiVolumeTests : IDisposable
{
    private readonly TempDirectory _root = new("sup-downward-");
    private readonly StatePaths _paths;
    private readonly InMemoryConfigSource _config = new();

    public DownwardApiVolumeTests() => _paths = new StatePaths(Path.Combine(_root.Path, "state"));

    public void Dispose() => _root.Dispose();

    private static V1Pod Pod(params V1Volume[] volumes) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "p", Uid = "u-1",
            Labels = new Dictionary<string, string> { ["zone"] = "us-est-coast", ["cluster"] = "test-cluster1" },
            Annotations = new Dictionary<string, string> { ["build"] = "two", ["quote"] = "say \"hi\"" },
        },
        Spec = new V1PodSpec
        {
            Volumes = volumes,
            Containers = [new V1Container { Name = "app", Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi"), ["cpu"] = new("250m") } } }],
        },
    };

    private static V1DownwardAPIVolumeFile Field(string path, string field) => new() { Path = path, FieldRef = new V1ObjectFieldSelector { FieldPath = field } };

    private string Read(PreparedVolume volume, string file) => File.ReadAllText(Path.Combine(volume.HostPath, file));

    [Fact]
    public void A_downward_api_volume_holds_the_pods_fields_and_labels_as_the_kubelet_writes_them()
    {
        var volume = Assert.Single(new PodVolumes(_paths, _config).SetUp(Pod(new V1Volume
        {
            Name = "podinfo",
            DownwardAPI = new V1DownwardAPIVolumeSource
            {
                Items =
                [
                    Field("labels", "metadata.labels"), Field("annotations", "metadata.annotations"), Field("name", "metadata.name"),
                    Field("zone", "metadata.labels['zone']"),
                    new V1DownwardAPIVolumeFile { Path = "mem_limit", ResourceFieldRef = new V1ResourceFieldSelector { ContainerName = "app", Resource = "limits.memory", Divisor = new ResourceQuantity("1Mi") } },
                    new V1DownwardAPIVolumeFile { Path = "cpu_limit", ResourceFieldRef = new V1ResourceFieldSelector { ContainerName = "app", Resource = "limits.cpu", Divisor = new ResourceQuantity("1m") } },
                ],
            },
        })));

        Assert.Equal("cluster=\"test-cluster1\"\nzone=\"us-est-coast\"\n", Read(volume, "labels"));
        Assert.Equal("build=\"two\"\nquote=\"say \\\"hi\\\"\"\n", Read(volume, "annotations"));
        Assert.Equal("p", Read(volume, "name"));
        Assert.Equal("us-est-coast", Read(volume, "zone"));
        Assert.Equal("64", Read(volume, "mem_limit"));
        Assert.Equal("250", Read(volume, "cpu_limit"));
        Assert.Equal((UnixFileMode)420, File.GetUnixFileMode(Path.Combine(volume.HostPath, "name")));
    }

    [Fact]
    public void A_projected_volume_gathers_a_config_map_a_secret_and_downward_api_items_in_one_directory()
    {
        _config.WithConfigMap("app", new() { ["mode"] = "prod", ["level"] = "info" })
            .WithSecret("creds", new() { ["password"] = Encoding.UTF8.GetBytes("s3cret") });
        var volume = Assert.Single(new PodVolumes(_paths, _config).SetUp(Pod(new V1Volume
        {
            Name = "all-in-one",
            Projected = new V1ProjectedVolumeSource
            {
                DefaultMode = 256, // 0400
                Sources =
                [
                    new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "app", Items = [new V1KeyToPath { Key = "mode", Path = "config/mode" }] } },
                    new V1VolumeProjection { Secret = new V1SecretProjection { Name = "creds" } },
                    new V1VolumeProjection { DownwardAPI = new V1DownwardAPIProjection { Items = [Field("labels", "metadata.labels")] } },
                    new V1VolumeProjection { Secret = new V1SecretProjection { Name = "absent", Optional = true } },
                ],
            },
        })));

        Assert.Equal("prod", Read(volume, "config/mode"));
        Assert.Equal("s3cret", Read(volume, "password"));
        Assert.StartsWith("cluster=", Read(volume, "labels"));
        Assert.False(File.Exists(Path.Combine(volume.HostPath, "level")));
        Assert.Equal((UnixFileMode)256, File.GetUnixFileMode(Path.Combine(volume.HostPath, "password")));
    }

    [Fact]
    public void A_projected_volume_whose_required_source_is_missing_cannot_be_set_up_yet()
    {
        var e = Assert.Throws<VolumeSetupException>(() => new PodVolumes(_paths, _config).SetUp(Pod(new V1Volume
        {
            Name = "all-in-one",
            Projected = new V1ProjectedVolumeSource { Sources = [new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "nope" } }] },
        })));

        Assert.Contains("configmap \"nope\" not found", e.Message);
    }

    [Fact]
    public void A_projected_service_account_token_is_the_pods_namespace_token_and_without_one_the_volume_waits()
    {
        V1Volume Token() => new()
        {
            Name = "sa",
            Projected = new V1ProjectedVolumeSource { Sources = [new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "vault-token", ExpirationSeconds = 7200 } }] },
        };

        var volume = Assert.Single(new PodVolumes(_paths, _config, () => "sup-sa.default.abc").SetUp(Pod(Token())));

        Assert.Equal("sup-sa.default.abc", Read(volume, "vault-token"));
        Assert.Contains("does not serve its API to pods", Assert.Throws<VolumeSetupException>(() => new PodVolumes(_paths, _config).SetUp(Pod(Token()))).Message);
    }
}
