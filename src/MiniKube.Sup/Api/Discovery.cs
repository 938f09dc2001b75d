using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>The discovery documents kubectl reads before every command (/version, /api, /apis, /api/v1, ...).</summary>
public static class Discovery
{
    public static string Version(string gitVersion) => KubernetesJson.Serialize(new VersionInfo
    {
        Major = "1",
        Minor = "32",
        GitVersion = "v1.32.0-sup+" + gitVersion,
        GitCommit = gitVersion,
        GitTreeState = "clean",
        BuildDate = "2026-01-01T00:00:00Z",
        GoVersion = "n/a (sup is written in C#)",
        Compiler = "dotnet",
        Platform = $"linux/{(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64")}",
    });

    public static string CoreVersions() => KubernetesJson.Serialize(new V1APIVersions
    {
        Kind = "APIVersions",
        Versions = ["v1"],
        ServerAddressByClientCIDRs = [new V1ServerAddressByClientCIDR { ClientCIDR = "0.0.0.0/0", ServerAddress = "127.0.0.1" }],
    });

    public static string Groups() => KubernetesJson.Serialize(new V1APIGroupList
    {
        Kind = "APIGroupList",
        ApiVersion = "v1",
        Groups = [.. Kinds.Served.Where(k => k.Group.Length > 0).Select(k => k.Group).Distinct().Select(ApiGroup), ResourceMetrics.ResourceMetricsDiscovery.ApiGroup()],
    });

    public static string Group(string group) => KubernetesJson.Serialize(ApiGroup(group));

    /// <summary>A group and the one version sup serves of it (autoscaling is v2; the others are v1).</summary>
    private static V1APIGroup ApiGroup(string group)
    {
        var version = Kinds.Served.First(k => k.Group == group).Version;
        var served = new V1GroupVersionForDiscovery { GroupVersion = $"{group}/{version}", Version = version };
        return new V1APIGroup { Kind = "APIGroup", ApiVersion = "v1", Name = group, Versions = [served], PreferredVersion = served };
    }

    public static string? Resources(string group, string version)
    {
        var kinds = Kinds.Served.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0) return null;
        var resources = new List<V1APIResource>();
        foreach (var k in kinds)
        {
            resources.Add(new V1APIResource
            {
                Name = k.Plural,
                SingularName = k.Singular,
                Namespaced = k.Namespaced,
                Kind = k.Kind,
                Verbs = k.Verbs.ToList(),
                ShortNames = k.ShortNames.Count == 0 ? null : k.ShortNames.ToList(),
                Categories = k.InCategoryAll ? ["all"] : null,
            });
            foreach (var sub in k.Subresources)
            {
                resources.Add(new V1APIResource
                {
                    Name = $"{k.Plural}/{sub}",
                    SingularName = "",
                    Namespaced = true,
                    Kind = sub == "scale" ? "Scale" : k.Kind,
                    Group = sub == "scale" ? "autoscaling" : null,
                    Version = sub == "scale" ? "v1" : null,
                    Verbs = sub == "log" ? ["get"] : ["get", "patch", "update"],
                });
            }
        }
        return KubernetesJson.Serialize(new V1APIResourceList
        {
            Kind = "APIResourceList",
            ApiVersion = "v1",
            GroupVersion = group.Length == 0 ? version : $"{group}/{version}",
            Resources = resources,
        });
    }
}
