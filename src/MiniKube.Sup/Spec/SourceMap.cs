namespace MiniKube.Sup.Spec;

/// <summary>
/// Remembers, for every field path of one YAML document, where its key and its value are in the file, so that errors
/// found on the typed model (after conversion, defaulting) still point at the right line and column.
/// </summary>
internal sealed class SourceMap
{
    private readonly Dictionary<string, SourceNode> _nodes = new(StringComparer.Ordinal);

    public SourceMap(string file)
    {
        File = file;
    }

    public string File { get; }

    public void Add(string path, SourceNode node) => _nodes[path] = node;

    public bool TryGet(string path, out SourceNode node) => _nodes.TryGetValue(path, out node!);

    /// <summary>
    /// The position to report for <paramref name="path"/>: the value of a scalar, the key of a mapping or list
    /// (where the reader looks first); for a path that is not in the file (a missing or defaulted field), the key of
    /// the closest enclosing node that is.
    /// </summary>
    public (int Line, int Column) Locate(string path)
    {
        for (string? current = path; current is not null; current = FieldPath.Parent(current))
        {
            if (_nodes.TryGetValue(current, out var node))
            {
                var exact = ReferenceEquals(current, path);
                return exact && !node.IsCollection ? node.Value : node.Key ?? node.Value;
            }
        }

        return (1, 1);
    }
}

/// <summary>Where one node is: its key (null for list items and the root), its value, and the scalar's source text.</summary>
internal readonly record struct SourceNode((int Line, int Column)? Key, (int Line, int Column) Value, bool IsCollection, string? Text);
