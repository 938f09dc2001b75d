namespace MiniKube.Sup.Runtime;

/// <summary>Where a container's output lines go besides its log file (the daemon's console).</summary>
public interface IContainerOutput
{
    void WriteLine(string pod, string container, string line);

    /// <summary>The same, with the pod's namespace (a sink that records it, such as --log-format json, overrides this).</summary>
    void WriteLine(string @namespace, string pod, string container, string line) => WriteLine(pod, container, line);
}
