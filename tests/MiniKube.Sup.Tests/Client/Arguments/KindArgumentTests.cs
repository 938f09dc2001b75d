using MiniKube.Sup.Spec;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;

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
        Assert.Equal("/api/v1/namespaces/default/pods", KindArgument.Path(Kinds.Pod));
        Assert.Equal("/apis/apps/v1/namespaces/default/deployments/a%2Fb?watch=true", KindArgument.Path(Kinds.Deployment, "a/b", "watch=true"));
    }
}
