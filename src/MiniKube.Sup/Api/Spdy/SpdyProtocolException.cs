namespace MiniKube.Sup.Api.Spdy;

/// <summary>The peer sent something that is not SPDY/3: the connection cannot go on.</summary>
public sealed class SpdyProtocolException(string message) : Exception(message);
