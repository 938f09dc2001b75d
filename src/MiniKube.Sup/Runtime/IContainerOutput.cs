namespace MiniKube.Sup.Runtime;

/// <summary>Where a container's output lines go besides its log file (the daemon's console).</summary>
public interface IContainerOutput
{
    void WriteLine(string pod, string container, string line);
}
