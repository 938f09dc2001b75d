using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Api;

public class TablesTests
{
    [Fact]
    public void Table_cells_carry_no_control_character()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web\e]0;pwned\a", CreationTimestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            Status = new V1PodStatus { Phase = "Running", Reason = "Evicted\e[2J" },
        };

        var cells = Tables.Cells(Kinds.Pod, pod, new DateTime(2025, 1, 1, 0, 1, 0, DateTimeKind.Utc)).Select(Tables.Cell).ToList();

        Assert.Equal(@"web\x1b]0;pwned\a", cells[0]);
        Assert.Contains(@"Evicted\x1b[2J", cells);
    }
}
