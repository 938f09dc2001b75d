using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>A pod's network namespace cannot be entered: the process it was reached through has exited, or the
/// namespace was let go. A <see cref="SocketException"/> (network unreachable), so that whoever connects treats it
/// as the connection failure it is.</summary>
public sealed class NetworkNamespaceGoneException(string message) : SocketException((int)SocketError.NetworkUnreachable, message);
