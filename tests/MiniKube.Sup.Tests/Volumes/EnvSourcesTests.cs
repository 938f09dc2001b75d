using System.Text;
using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Volumes;

public class EnvSourcesTests
{
    private static readonly V1Pod Pod = new() { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec() };

    private static Dictionary<string, string> Declared(V1Container container, IConfigSource config, Dictionary<string, string>? volumes = null) =>
        ContainerEnvironment.Build(Pod, container, new Dictionary<string, string>(), null, config, volumes).Declared;

    [Fact]
    public void EnvFrom_takes_every_key_with_its_prefix_and_env_overrides_it()
    {
        var config = new InMemoryConfigSource()
            .WithConfigMap("app", new() { ["MODE"] = "prod", ["LEVEL"] = "info" })
            .WithSecret("creds", data: new() { ["PASSWORD"] = Encoding.UTF8.GetBytes("s3cret") }, stringData: new() { ["USER"] = "admin" });
        var container = new V1Container
        {
            Name = "c",
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "app" } }, new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "creds" }, Prefix = "DB_" }],
            Env = [new V1EnvVar { Name = "LEVEL", Value = "debug" }, new V1EnvVar { Name = "URL", Value = "$(DB_USER)@db/$(MODE)" }],
        };

        var env = Declared(container, config);

        Assert.Equal("prod", env["MODE"]);
        Assert.Equal("debug", env["LEVEL"]);
        Assert.Equal("s3cret", env["DB_PASSWORD"]);
        Assert.Equal("admin", env["DB_USER"]);
        Assert.Equal("admin@db/prod", env["URL"]);
    }

    [Fact]
    public void Key_refs_read_ConfigMap_and_Secret_values()
    {
        var config = new InMemoryConfigSource()
            .WithConfigMap("app", new() { ["greeting"] = "hello" })
            .WithSecret("creds", data: new() { ["token"] = Encoding.UTF8.GetBytes("abc") });
        var container = new V1Container
        {
            Name = "c",
            Env =
            [
                new V1EnvVar { Name = "GREETING", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "app", Key = "greeting" } } },
                new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "token" } } },
            ],
        };

        var env = Declared(container, config);

        Assert.Equal(("hello", "abc"), (env["GREETING"], env["TOKEN"]));
    }

    [Fact]
    public void Missing_non_optional_ConfigMap_Secret_or_key_fails_with_the_kubelet_message()
    {
        var config = new InMemoryConfigSource().WithConfigMap("app", new() { ["a"] = "1" });
        static V1Container With(V1EnvVarSource s) => new() { Name = "c", Env = [new V1EnvVar { Name = "X", ValueFrom = s }] };

        var missingMap = Assert.Throws<ContainerConfigException>(() => Declared(With(new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "nope", Key = "a" } }), config));
        var missingKey = Assert.Throws<ContainerConfigException>(() => Declared(With(new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "app", Key = "b" } }), config));
        var missingSecret = Assert.Throws<ContainerConfigException>(() => Declared(new V1Container { Name = "c", EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "creds" } }] }, config));

        Assert.Equal("configmap \"nope\" not found", missingMap.Message);
        Assert.Equal("couldn't find key b in ConfigMap default/app", missingKey.Message);
        Assert.Equal("secret \"creds\" not found", missingSecret.Message);
    }

    [Fact]
    public void Optional_references_to_missing_objects_or_keys_leave_the_variable_unset()
    {
        var config = new InMemoryConfigSource().WithConfigMap("app", new() { ["a"] = "1" });
        var container = new V1Container
        {
            Name = "c",
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "nope", Optional = true } }],
            Env =
            [
                new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "app", Key = "b", Optional = true } } },
                new V1EnvVar { Name = "Y", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "nope", Key = "b", Optional = true } } },
            ],
        };

        Assert.Empty(Declared(container, config));
    }

    [Fact]
    public void Volume_variables_expand_in_args_and_a_declared_variable_of_the_same_name_wins()
    {
        var container = new V1Container { Name = "c", Command = ["cat"], Args = ["$(VOLUME_APP_CONFIG)/greeting"] };
        var volumes = new Dictionary<string, string> { ["VOLUME_APP_CONFIG"] = "/state/pods/p/volumes/app-config" };

        var env = Declared(container, ConfigSources.Empty, volumes);
        var overridden = Declared(new V1Container { Name = "c", Env = [new V1EnvVar { Name = "VOLUME_APP_CONFIG", Value = "/mine" }] }, ConfigSources.Empty, volumes);

        Assert.Equal(["cat", "/state/pods/p/volumes/app-config/greeting"], ContainerEnvironment.CommandLine(container, env));
        Assert.Equal("/mine", overridden["VOLUME_APP_CONFIG"]);
        Assert.Equal("VOLUME_APP_CONFIG", ContainerMounts.VariableName("app-config"));
    }

    [Fact]
    public void Secret_data_from_a_manifest_is_base64_decoded_and_stringData_wins()
    {
        var loaded = MiniKube.Sup.Spec.ManifestLoader.LoadText("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            data: {token: YWJj, user: b2xk}
            stringData: {user: admin}
            """, "secret.yaml");

        var entries = ConfigData.Of(Assert.IsType<V1Secret>(Assert.Single(loaded.Objects).Model));

        Assert.Equal(("abc", "admin"), (ConfigData.Text(entries["token"]), ConfigData.Text(entries["user"])));
    }
}
