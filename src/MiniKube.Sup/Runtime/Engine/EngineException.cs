namespace MiniKube.Sup.Runtime.Engine;

/// <summary>The engine's command line could not be run at all (its executable is gone), or did what it should not.</summary>
public sealed class EngineException(string message, Exception? inner = null) : Exception(message, inner);
