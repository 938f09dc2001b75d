namespace MiniKube.Sup.Client;

/// <summary>The daemon on the socket runs as another user.</summary>
internal sealed class UntrustedDaemonException(SupClient client, uint uid)
    : Exception($"the daemon on {client.SocketPath} runs as {FileSystem.Owner.Describe(uid)}, not as you (uid {FileSystem.TrustedPath.EffectiveUid}) or root: " +
        "sup does not talk to it (it would see what you send, Secrets included, and could answer anything); run sup as that user, or use a state dir of your own");
