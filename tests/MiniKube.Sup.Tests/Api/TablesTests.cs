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

    private static readonly DateTime Created = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ConfigMaps_show_kubectls_DATA_column_counting_data_and_binaryData()
    {
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "settings", CreationTimestamp = Created },
            Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
            BinaryData = new Dictionary<string, byte[]> { ["c"] = [1] },
        };
        Assert.Equal(["Name", "Data", "Age"], Tables.Columns(Kinds.ConfigMap).Select(c => c.Name));
        Assert.Equal(["settings", "3", "5m"], Tables.Cells(Kinds.ConfigMap, map, Created.AddMinutes(5)).Select(Tables.Cell));
    }

    [Fact]
    public void Secrets_show_kubectls_TYPE_and_DATA_columns()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "db", CreationTimestamp = Created },
            Data = new Dictionary<string, byte[]> { ["password"] = [1], ["user"] = [2] },
        };
        Assert.Equal(["Name", "Type", "Data", "Age"], Tables.Columns(Kinds.Secret).Select(c => c.Name));
        Assert.Equal(["db", "Opaque", "2", "5m"], Tables.Cells(Kinds.Secret, secret, Created.AddMinutes(5)).Select(Tables.Cell));
        secret.Type = "kubernetes.io/tls";
        Assert.Equal("kubernetes.io/tls", Tables.Cell(Tables.Cells(Kinds.Secret, secret, Created)[1]));
    }
}
