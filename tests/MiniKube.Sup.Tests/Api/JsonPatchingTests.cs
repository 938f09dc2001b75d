using System.Text.Json;
using System.Text.Json.Nodes;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Tests.Api;

public sealed class JsonPatchingTests
{
    private const string JsonPatch = "application/json-patch+json";
    private const string Pod = """{"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"a","args":["x","y"]}]}}""";

    private static JsonNode Patched(string patch) => JsonNode.Parse(JsonPatching.Apply(Pod, patch, JsonPatch))!;

    [Fact]
    public void A_test_that_holds_lets_the_following_operations_through()
    {
        var result = Patched("""[{"op":"test","path":"/metadata/labels/app","value":"web"},{"op":"replace","path":"/metadata/labels/app","value":"db"}]""");

        Assert.Equal("db", result["metadata"]!["labels"]!["app"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/metadata/labels/app","value":"db"},{"op":"replace","path":"/metadata/labels/app","value":"x"}]""", "test failed")]
    [InlineData("""[{"op":"test","path":"/spec/containers/0/args","value":["x"]}]""", "test failed")]
    [InlineData("""[{"op":"test","path":"/metadata/missing","value":null}]""", "no such path")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/0/args/2","value":"z"}]""", "out of range")]
    [InlineData("""[{"op":"add","path":"/spec/containers/0/args/3","value":"z"}]""", "out of range")]
    [InlineData("""[{"op":"remove","path":"/spec/containers/1"}]""", "out of range")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/01/name","value":"z"}]""", "not an index")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/-1/name","value":"z"}]""", "not an index")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/-","value":"z"}]""", "not an index")]
    [InlineData("""[{"op":"remove","path":"/metadata/labels/none"}]""", "no such path")]
    [InlineData("""[{"op":"replace","path":"/metadata/nothing/here","value":1}]""", "no such path")]
    [InlineData("""[{"op":"add","path":"/metadata/labels/new","value":"v"},{"op":"move","from":"/metadata/none","path":"/metadata/x"}]""", "no such path")]
    [InlineData("""[{"op":"move","from":"/metadata","path":"/metadata/labels/m"}]""", "into itself")]
    public void A_patch_that_cannot_be_applied_to_this_object_is_refused_whole(string patch, string why)
    {
        var e = Assert.Throws<PatchNotApplicableException>(() => JsonPatching.Apply(Pod, patch, JsonPatch));

        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[{"path":"/a"}]""")]
    [InlineData("""[{"op":"explode","path":"/a"}]""")]
    [InlineData("""[{"op":"add","path":"no-slash","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/metadata/x"}]""")]
    [InlineData("""[7]""")]
    public void A_body_that_is_not_a_json_patch_is_a_bad_request(string patch)
    {
        Assert.ThrowsAny<FormatException>(() => JsonPatching.Apply(Pod, patch, JsonPatch));
    }

    [Fact]
    public void Add_inserts_at_an_index_or_appends_and_move_and_copy_work_as_RFC_6902_says()
    {
        var result = Patched("""
            [{"op":"add","path":"/spec/containers/0/args/0","value":"first"},
             {"op":"add","path":"/spec/containers/0/args/-","value":"last"},
             {"op":"add","path":"/spec/containers/0/args/4","value":"end"},
             {"op":"copy","from":"/metadata/labels","path":"/metadata/annotations"},
             {"op":"move","from":"/metadata/labels/app","path":"/metadata/labels/role"}]
            """);

        Assert.Equal("""["first","x","y","last","end"]""", result["spec"]!["containers"]![0]!["args"]!.ToJsonString());
        Assert.Equal("""{"role":"web"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""{"app":"web"}""", result["metadata"]!["annotations"]!.ToJsonString());
    }

    [Theory]
    [InlineData("application/json-patch+json", true)]
    [InlineData("application/merge-patch+json", true)]
    [InlineData("application/strategic-merge-patch+json; charset=utf-8", true)]
    [InlineData("application/apply-patch+yaml", true)]
    [InlineData("application/json", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    public void Only_the_patch_types_the_API_server_knows_are_supported(string? contentType, bool supported)
    {
        Assert.Equal(supported, JsonPatching.IsSupported(contentType));
    }

    [Fact]
    public void Merge_patches_still_merge()
    {
        var merged = JsonNode.Parse(JsonPatching.Apply(Pod, """{"metadata":{"labels":{"tier":"front","app":null}}}""", "application/merge-patch+json"))!;

        Assert.Equal("""{"tier":"front"}""", merged["metadata"]!["labels"]!.ToJsonString());
        Assert.ThrowsAny<JsonException>(() => JsonPatching.Apply(Pod, "{{", "application/merge-patch+json"));
    }
}
