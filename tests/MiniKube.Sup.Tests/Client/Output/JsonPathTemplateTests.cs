using System.Text.Json;
using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Tests.Client.Output;

/// <summary>The examples of kubectl's JSONPath documentation, against a pod list.</summary>
public class JsonPathTemplateTests
{
    private const string Pods = """
        {"kind":"List","items":[
          {"kind":"Pod","metadata":{"name":"web-0","labels":{"app":"web"}},"status":{"podIP":"127.0.1.1","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"False"}],
           "containerStatuses":[{"name":"app","restartCount":3}]}},
          {"kind":"Pod","metadata":{"name":"web-1","labels":{"app":"web"}},"status":{"podIP":"127.0.1.2","conditions":[{"type":"Ready","status":"True"}],
           "containerStatuses":[{"name":"app","restartCount":0}]}}
        ]}
        """;

    private static string Run(string template)
    {
        using var doc = JsonDocument.Parse(Pods);
        return JsonPathTemplate.Parse(template).Execute(doc.RootElement);
    }

    [Theory]
    [InlineData("{.items[*].metadata.name}", "web-0 web-1")]
    [InlineData("{.items[0].status.podIP}", "127.0.1.1")]
    [InlineData("{.items[-1].metadata.name}", "web-1")]
    [InlineData("{.items[0:1].metadata.name}", "web-0")]
    [InlineData("{.items[0,1].status.containerStatuses[0].restartCount}", "3 0")]
    [InlineData("{.items[?(@.status.podIP==\"127.0.1.2\")].metadata.name}", "web-1")]
    [InlineData("{.items[*].status.conditions[?(@.type=='Ready')].status}", "False True")]
    [InlineData("{.items[?(@.status.containerStatuses[0].restartCount>1)].metadata.name}", "web-0")]
    [InlineData("{.items[0].metadata.labels}", "{\"app\":\"web\"}")]
    [InlineData("{.items[1].status.conditions[0]}", "{\"status\":\"True\",\"type\":\"Ready\"}")]
    [InlineData("{..podIP}", "127.0.1.1 127.0.1.2")]
    [InlineData("{.items[0].metadata.labels['app']}", "web")]
    [InlineData("{.items[0].metadata.nothing}", "")]
    [InlineData("name: {.items[1].metadata.name}!", "name: web-1!")]
    public void Paths_find_what_kubectl_finds(string template, string expected) => Assert.Equal(expected, Run(template));

    [Fact]
    public void Range_walks_a_list_with_literals_between()
    {
        Assert.Equal("web-0\t127.0.1.1\nweb-1\t127.0.1.2\n", Run("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}"));
        Assert.Equal("web-0;web-1;", Run("{range .items}{.metadata.name};{end}"));
    }

    [Theory]
    [InlineData("{.items[*]")]
    [InlineData("{end}")]
    [InlineData("{range .items[*]}{.metadata.name}")]
    public void A_malformed_template_is_refused(string template) => Assert.Throws<FormatException>(() => JsonPathTemplate.Parse(template));

    [Fact]
    public void Custom_columns_print_a_row_per_item_with_none_for_what_is_missing()
    {
        using var doc = JsonDocument.Parse(Pods);
        var text = CustomColumns.Format(CustomColumns.Parse("NAME:.metadata.name,IP:{.status.podIP},NODE:.spec.nodeName"), doc.RootElement);
        Assert.Equal(["NAME    IP          NODE", "web-0   127.0.1.1   <none>", "web-1   127.0.1.2   <none>"], text.TrimEnd('\n').Split('\n'));
        Assert.Throws<FormatException>(() => CustomColumns.Parse("NAME"));
    }
}
