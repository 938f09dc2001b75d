using System.Net.Sockets;
using MiniKube.Sup.Unix;

namespace MiniKube.Sup.Client;

/// <summary>The daemon could not be reached, or the connection to it broke: one line that says which and what to do.</summary>
internal sealed class DaemonUnreachableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>connect() to the socket failed: no daemon (no socket, or a stale one), or one this user may not use.</summary>
    public static DaemonUnreachableException Connecting(SupClient client, SocketException e)
    {
        if (e.SocketErrorCode == SocketError.AccessDenied)
        {
            // Not "no daemon": there is one (or at least its folder), and it is someone else's.
            var refusing = PathOwner.Refusing(client.SocketPath);
            var whose = refusing is { } r
                ? $"{r.Path} belongs to {r.Owner} and is not open to you"
                : "the socket or a folder on the way to it is not open to you";
            return new DaemonUnreachableException(
                $"permission denied connecting to {client.SocketPath}: {whose}; run sup as its owner (for root: sudo sup ...), " +
                "or start your own daemon with --state-dir DIR", e);
        }
        if (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused)
        {
            return new DaemonUnreachableException(
                $"no sup daemon is running for {client.StateDir} (no API at {client.SocketPath}); start one with `sup run` in that folder, or pass --state-dir DIR", e);
        }
        return new DaemonUnreachableException($"cannot connect to the sup daemon at {client.SocketPath}: {e.Message}", e);
    }

    /// <summary>The connection broke, or the daemon answered something that is not HTTP.</summary>
    public static DaemonUnreachableException Broken(SupClient client, Exception e)
    {
        var cause = e;
        while (cause.InnerException is { } inner) cause = inner;
        var detail = cause == e ? e.Message : $"{e.Message.TrimEnd('.')}: {cause.Message}";
        return new DaemonUnreachableException(
            $"the connection to the sup daemon at {client.SocketPath} failed: {detail.ReplaceLineEndings(" ")} (is the daemon stopping? `sup get pods` tells whether it answers)", e);
    }
}
