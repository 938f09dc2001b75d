using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Tests.Client.Output;

public class YamlOutputTests
{
    [Fact]
    public void Json_becomes_block_yaml_in_the_same_order()
    {
        var yaml = YamlOutput.FromJson("""{"kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"app","args":["-v"]}]}}""");

        Assert.Equal("""
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
            spec:
              containers:
              - name: app
                args:
                - -v

            """.ReplaceLineEndings("\n"), yaml);
    }

    [Theory]
    [InlineData("\"true\"", "v: \"true\"\n")]
    [InlineData("\"no\"", "v: \"no\"\n")]
    [InlineData("\"8080\"", "v: \"8080\"\n")]
    [InlineData("\"\"", "v: \"\"\n")]
    [InlineData("true", "v: true\n")]
    [InlineData("8080", "v: 8080\n")]
    [InlineData("null", "v: null\n")]
    [InlineData("\"web\"", "v: web\n")]
    public void A_string_that_yaml_would_read_as_something_else_stays_quoted(string json, string expected) =>
        Assert.Equal(expected, YamlOutput.FromJson($"{{\"v\":{json}}}"));
}
