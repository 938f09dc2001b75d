using MiniKube.Sup.Spec;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client;

namespace MiniKube.Sup.Tests.Client.Arguments;

public class KindArgumentTests
{
    [Theory]
    [InlineData("pods", "Pod", "")]
    [InlineData("po/web", "Pod", "web")]
    [InlineData("pod web api", "Pod", "web,api")]
    [InlineData("deploy/a deploy/b", "Deployment", "a,b")]
    [InlineData("deployment/a b", "Deployment", "a,b")]
    [InlineData("sts db-0", "StatefulSet", "db-0")]
    public void Names_the_kind_and_the_objects_as_kubectl_does(string args, string kind, string names)
    {
        var (parsed, parsedNames, error) = KindArgument.Parse(args.Split(' '));

        Assert.Null(error);
        Assert.Equal(kind, parsed!.Kind);
        Assert.Equal(names.Length == 0 ? [] : names.Split(','), parsedNames);
    }

    [Theory]
    [InlineData("", "you must specify the type of resource (e.g. pods)")]
    [InlineData("gadgets", "the server doesn't have a resource type \"gadgets\"")]
    [InlineData("gadget/x", "the server doesn't have a resource type \"gadget\"")]
    [InlineData("pod/a svc/b", "mixed kinds are not supported: svc/b")]
    public void Says_what_is_wrong_with_the_arguments(string args, string expected)
    {
        var (kind, names, error) = KindArgument.Parse(args.Length == 0 ? [] : args.Split(' '));

        Assert.Null(kind);
        Assert.Empty(names);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_path_escapes_the_name_and_appends_the_query()
    {
        Assert.Equal("/api/v1/namespaces/default/pods", KindArgument.Path(Kinds.Pod, null, null, "default"));
        Assert.Equal("/apis/apps/v1/namespaces/default/deployments/a%2Fb?watch=true", KindArgument.Path(Kinds.Deployment, "a/b", "watch=true", "default"));
    }

    [Fact]
    public void A_path_is_in_the_namespace_asked_for_across_all_for_a_list_with_A_and_without_one_for_a_cluster_kind()
    {
        using var team = new SupClient("/tmp/none") { Namespace = "team" };
        using var all = new SupClient("/tmp/none") { AllNamespaces = true };

        Assert.Equal("/api/v1/namespaces/team/pods/web", team.Path(Kinds.Pod, "web"));
        Assert.Equal("/api/v1/namespaces/prod/pods", team.Path(Kinds.Pod, ns: "prod"));
        Assert.Equal("/api/v1/pods?labelSelector=a", all.Path(Kinds.Pod, query: "labelSelector=a"));
        Assert.Equal("/api/v1/namespaces/default/pods/web", all.Path(Kinds.Pod, "web"));
        Assert.Equal("/api/v1/namespaces/team", team.Path(Kinds.Namespace, "team"));
        Assert.Equal("/apis/storage.k8s.io/v1/storageclasses", team.Path(Kinds.StorageClass));
        Assert.Equal("No resources found in team namespace.", team.NoResources(Kinds.Pod));
        Assert.Equal("No resources found", all.NoResources(Kinds.Pod));
    }
}
