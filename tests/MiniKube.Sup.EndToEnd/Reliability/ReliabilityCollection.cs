namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>The reliability tests load the machine (hundreds of processes, thousands of kills): they run alone,
/// not beside other end-to-end tests whose timing they would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
