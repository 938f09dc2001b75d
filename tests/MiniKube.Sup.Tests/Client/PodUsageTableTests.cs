using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Tests.Client;

public sealed class PodUsageTableTests
{
    [Theory]
    [InlineData("1500000n", 0.0015)]
    [InlineData("250m", 0.25)]
    [InlineData("2", 2)]
    [InlineData("2048Ki", 2097152)]
    [InlineData("3Mi", 3145728)]
    [InlineData("1234567", 1234567)]
    public void Quantities_in_metrics_forms_are_read(string text, double value) =>
        Assert.Equal((decimal)value, PodUsageTable.Quantity(text));

    [Fact]
    public void Pods_are_printed_as_kubectl_top_prints_them_cpu_rounded_up_and_memory_down()
    {
        const string List = """
            {"kind":"PodMetricsList","items":[
              {"metadata":{"name":"web","namespace":"default"},"containers":[
                {"name":"app","usage":{"cpu":"1500000n","memory":"70000Ki"}},
                {"name":"side","usage":{"cpu":"1n","memory":"1024Ki"}}]}]}
            """;
        // The pod is the sum of its containers: 1.500001m rounds up to 2m; 71,057,408 bytes (69.36 Mi) down to 69Mi.
        Assert.Equal("NAMESPACE   NAME   CPU(cores)   MEMORY(bytes)\ndefault     web    2m           69Mi\n", PodUsageTable.Format(List));
    }

    [Fact]
    public void No_pods_says_so() => Assert.Equal("No pods are running.\n", PodUsageTable.Format("""{"items":[]}"""));
}
