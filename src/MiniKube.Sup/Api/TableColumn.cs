namespace MiniKube.Sup.Api;

/// <summary>A column of a meta.k8s.io/v1 Table: priority 0 shows by default, 1 only with -o wide.</summary>
public sealed record TableColumn(string Name, string Type, string Format, int Priority, string Description);
