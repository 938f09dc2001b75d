namespace MiniKube.Sup.Api.Spdy;

/// <summary>
/// One SPDY/3 frame as read: a control frame (<see cref="Type"/> &gt; 0: SYN_STREAM, RST_STREAM, PING...) with its
/// payload after the 8-byte header, or a data frame (<see cref="Type"/> 0) of <see cref="StreamId"/>. Flag FIN (1)
/// ends the sender's half of a stream. SYN_STREAM, SYN_REPLY and HEADERS carry their decompressed
/// <see cref="Headers"/>.
/// </summary>
public readonly record struct SpdyFrame(SpdyFrameType Type, uint StreamId, byte Flags, ReadOnlyMemory<byte> Payload,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public const byte Fin = 1;

    public bool IsFin => (Flags & Fin) != 0;
}

/// <summary>SPDY/3's frame types (draft 3, section 2.6); data frames are 0 here.</summary>
public enum SpdyFrameType : ushort
{
    Data = 0,
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}
