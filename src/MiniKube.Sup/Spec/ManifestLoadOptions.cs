namespace MiniKube.Sup.Spec;

/// <summary>How manifests are loaded. Nothing in them depends on the host any more: a container with <c>image</c>
/// loads whatever engine the machine has (<c>sup run</c> says per pod when none is usable).</summary>
public sealed record ManifestLoadOptions
{
    /// <summary>A directory given as a file is read with its subdirectories (kubectl's -R).</summary>
    public bool Recursive { get; init; }

    /// <summary>Where <c>-f -</c> reads from; null: <c>-</c> is refused (a daemon re-reads its files on SIGHUP, and
    /// its standard input cannot be read twice).</summary>
    public TextReader? Stdin { get; init; }
}
