namespace MiniKube.Sup.Spec;

/// <summary>A position in a manifest file. Line and column are 1-based; line 0 means "the file as a whole".</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
