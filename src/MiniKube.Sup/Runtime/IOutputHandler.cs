namespace MiniKube.Sup.Runtime;

/// <summary>Receives what a container writes, on the output thread: keep it quick and never block.</summary>
public interface IOutputHandler
{
    void OnData(ReadOnlySpan<byte> data);

    /// <summary>Every writer closed its end (the container and all it forked are gone).</summary>
    void OnClosed();

    /// <summary>Nothing came for a while (<see cref="OutputMultiplexer.IdleAfter"/>): a good time to let go of
    /// what can be taken again on the next data (an open log file: a descriptor per idle container adds up).</summary>
    void OnIdle() { }
}
