using k8s;
using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>The table of one kind: kubectl's columns and how one object fills them.</summary>
public sealed record KindTable(IReadOnlyList<TableColumn> Columns, Func<IKubernetesObject<V1ObjectMeta>, DateTime, IReadOnlyList<object>> Cells);
