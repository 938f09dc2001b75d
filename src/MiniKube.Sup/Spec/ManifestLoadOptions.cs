namespace MiniKube.Sup.Spec;

/// <summary>How manifests are loaded. Nothing in them depends on the host any more: a container with <c>image</c>
/// loads whatever engine the machine has (<c>sup run</c> says per pod when none is usable).</summary>
public sealed record ManifestLoadOptions;
