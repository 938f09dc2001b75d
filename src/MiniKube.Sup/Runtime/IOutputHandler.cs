namespace MiniKube.Sup.Runtime;

/// <summary>Receives what a container writes, on the output thread: keep it quick and never block.</summary>
public interface IOutputHandler
{
    void OnData(ReadOnlySpan<byte> data);

    /// <summary>Every writer closed its end (the container and all it forked are gone).</summary>
    void OnClosed();
}
