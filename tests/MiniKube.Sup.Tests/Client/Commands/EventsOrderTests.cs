using System.Text.Json;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

public class EventsOrderTests
{
    private static string Row(string lastSeen, string reason, long resourceVersion) =>
        "{\"cells\":[\"" + lastSeen + "\",\"Normal\",\"" + reason + "\"],\"object\":{\"metadata\":{\"name\":\"e-" + reason +
        "\",\"resourceVersion\":\"" + resourceVersion + "\"}}}";

    [Fact]
    public void Events_of_the_same_second_are_listed_in_the_order_they_were_recorded()
    {
        // The API lists events by name (a hash): Started came after Created, within the same second, and Pulled a minute before.
        using var table = JsonDocument.Parse("{\"rows\":[" + string.Join(",", Row("5s", "Started", 42), Row("1m5s", "Pulled", 7), Row("5s", "Created", 41)) + "]}");
        List<List<string>> rows = [["5s", "Normal", "Started"], ["1m5s", "Normal", "Pulled"], ["5s", "Normal", "Created"]];

        var ordered = EventsCommand.Oldest(table.RootElement, rows, age: 0);

        Assert.Equal(["Pulled", "Created", "Started"], ordered.Select(r => r[2]));
    }
}
