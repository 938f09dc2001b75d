using System.Text;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// What sup prints gives away no secret and cannot drive the terminal (security issue, finding 4): a Secret's
/// stringData is folded into base64 data when it is admitted, as the API server does, and `describe` shows byte
/// counts only, as kubectl does; control characters in names and values are escaped in every error and table.
/// </summary>
public sealed class PrintedSecretsTests
{
    private const string Plain = "hunter2-plaintext";

    [Fact]
    public async Task StringData_is_stored_as_base64_data_and_describe_shows_byte_counts_only()
    {
        await using var d = new SupDaemon($$$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            data: {user: {{{Convert.ToBase64String("admin"u8)}}}}
            stringData: {password: {{{Plain}}}}
            """);
        await d.StartAsync();

        var yaml = await d.Sup("get", "secret", "creds", "-o", "yaml");
        var json = await d.Sup("get", "secret", "creds", "-o", "json");
        var describe = await d.Sup("describe", "secret", "creds");
        var kubectl = await d.Sup("get", "secrets");

        Assert.True(yaml.Code == 0, yaml.Err);
        Assert.Contains($"password: {Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain))}", yaml.Out);
        foreach (var output in new[] { yaml.Out, json.Out, describe.Out, kubectl.Out })
        {
            Assert.DoesNotContain(Plain, output);
            Assert.DoesNotContain("stringData", output);
        }
        Assert.True(describe.Code == 0, describe.Err);
        Assert.Equal("""
            Name:         creds
            Namespace:    default
            Labels:       <none>
            Annotations:  <none>

            Type:  Opaque

            Data
            ====
            password:  17 bytes
            user:      5 bytes

            """, describe.Out);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain)), describe.Out);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Control_characters_in_names_and_values_are_escaped_in_errors_and_tables()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: odd}
            spec:
              terminationGracePeriodSeconds: 1
              restartPolicy: Never
              containers:
                - {name: missing, command: ["/no/such/\e]0;pwned\a\e[2J"]}
                - {name: running, command: [sh, -c, "sleep 600; :", "\e[31mred\a"]}
            """);
        var invalid = Path.Combine(d.Dir, "invalid.yaml");
        File.WriteAllText(invalid, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: "web\e[31m\a\0"}
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("odd");

        var validate = await SupDaemon.Run(Binaries.Sup, ["validate", "-f", invalid]);
        var notFound = await d.Sup("get", "pod", "\e]0;pwned\a");
        string events = "";
        await Poll.Until(() => (events = d.Sup("events").GetAwaiter().GetResult().Out).Contains("executable file not found"), "the start error event", 30);
        var describe = await d.Sup("describe", "pod", "odd");
        var ps = await d.Sup("ps", "odd");

        Assert.Equal(2, validate.Code);
        Assert.Contains("metadata.name: invalid name \"web\\x1b[31m\\a\\x00\"", validate.Err);
        Assert.Contains("ConfigMap/web\\x1b[31m\\a\\x00:", validate.Err);
        Assert.Equal(1, notFound.Code);
        Assert.Contains("pods \"\\x1b]0;pwned\\a\" not found", notFound.Err);
        Assert.Contains("/no/such/\\x1b]0;pwned\\a\\x1b[2J", events);
        Assert.Contains("/no/such/\\x1b]0;pwned\\a\\x1b[2J", describe.Out);
        Assert.Contains("\\x1b[31mred\\a", describe.Out);
        Assert.Contains("\\x1b[31mred\\a", ps.Out);
        foreach (var (what, text) in new[] { ("validate", validate.Err), ("get", notFound.Err), ("events", events), ("describe", describe.Out), ("ps", ps.Out) })
            Assert.True(!text.Any(c => char.IsControl(c) && c != '\n'), $"{what} printed a raw control character:\n{text}");
        Assert.Equal(0, await d.StopAsync());
    }
}
