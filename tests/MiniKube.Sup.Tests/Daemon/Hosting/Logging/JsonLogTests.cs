using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Daemon.Hosting.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace MiniKube.Sup.Tests.Daemon.Hosting.Logging;

public sealed class JsonLogTests
{
    [Fact]
    public void A_container_line_is_one_JSON_object_with_its_time_namespace_pod_container_and_stream()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)));
        var output = new StringWriter();
        new JsonContainerOutput(time, output).WriteLine("shop", "web-1", "nginx", "GET / 200 \"ok\" é <b>\t");
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("2026-03-04T03:06:07.0000000Z", root.GetProperty("time").GetString());
        Assert.Equal("shop", root.GetProperty("namespace").GetString());
        Assert.Equal("web-1", root.GetProperty("pod").GetString());
        Assert.Equal("nginx", root.GetProperty("container").GetString());
        Assert.Equal("stdout", root.GetProperty("stream").GetString());
        Assert.Equal("GET / 200 \"ok\" é <b>\t", root.GetProperty("message").GetString());
        Assert.Contains("é <b>", line); // readable, not \u-escaped
    }

    [Fact]
    public void A_daemon_line_has_its_level_the_message_as_text_shows_it_and_the_object_it_is_about()
    {
        var template = new MessageTemplateParser().Parse("{Kind}/{Name}{Container} {Reason}: {Message}");
        var e = new LogEvent(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), LogEventLevel.Warning, null, template,
        [
            new LogEventProperty("Kind", new ScalarValue("Pod")), new LogEventProperty("Name", new ScalarValue("web-1")),
            new LogEventProperty("Container", new ScalarValue(" [nginx]")), new LogEventProperty("Reason", new ScalarValue("BackOff")),
            new LogEventProperty("Message", new ScalarValue("restarting")),
        ]);
        var output = new StringWriter();
        new JsonLogFormatter().Format(e, output);
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal("2026-03-04T05:06:07.0000000Z", root.GetProperty("time").GetString());
        Assert.Equal("warning", root.GetProperty("level").GetString());
        Assert.Equal("Pod/web-1 [nginx] BackOff: restarting", root.GetProperty("message").GetString());
        Assert.Equal("Pod/web-1", root.GetProperty("object").GetString());
        Assert.Equal("nginx", root.GetProperty("container").GetString());
        Assert.False(root.TryGetProperty("pod", out _)); // absent fields are left out, not null
        Assert.EndsWith("\n", output.ToString());
    }
}
