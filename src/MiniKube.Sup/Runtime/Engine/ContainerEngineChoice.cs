namespace MiniKube.Sup.Runtime.Engine;

/// <summary>The daemon option <c>--container-engine auto|podman|docker|none</c>.</summary>
public enum ContainerEngineChoice
{
    /// <summary>podman when <c>podman version</c> works, else docker when its daemon answers.</summary>
    Auto,
    Podman,
    Docker,
    None,
}
