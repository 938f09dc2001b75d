using System.Globalization;

namespace MiniKube.Sup.Logs;

/// <summary>
/// One record of a container log in the CRI format, the one containerd and CRI-O write and kubelet reads
/// (kubelet <c>pkg/kubelet/kuberuntime/logs</c> parseCRILog):
/// <c>2016-10-06T00:17:09.669794202Z stdout F log text</c>, then <c>\n</c>. Timestamp (RFC 3339 with nanoseconds),
/// stream, tag and content, one space apart. The tag is <c>P</c> (partial: the line goes on in the next record) or
/// <c>F</c> (full: the line ends with this record); a line longer than <see cref="MaxContentBytes"/> is written as
/// P records and a last F record.
/// </summary>
/// <param name="Content">the record's text, without the line end (valid as long as the buffer it was parsed from)</param>
public readonly record struct CriLogRecord(DateTimeOffset Time, LogStream Stream, bool Partial, ReadOnlyMemory<byte> Content)
{
    /// <summary>The most text one record holds: containerd's default max_container_log_line_size (16 KiB).</summary>
    public const int MaxContentBytes = 16 * 1024;

    /// <summary>The longest header (timestamp, stream, tag and their spaces) a reader accepts: ours are
    /// <see cref="HeaderBytes"/>; other writers' timestamps may carry an offset, tags may carry ':'-suffixes.</summary>
    public const int MaxHeaderBytes = 64;

    /// <summary>The header this daemon writes: a 30-byte timestamp, " stdout ", the tag and a space.</summary>
    public const int HeaderBytes = TimestampBytes + 10;

    private const int TimestampBytes = 30; // 2016-10-06T00:17:09.669794202Z

    /// <summary>Writes one record, line end included, into <paramref name="destination"/> (at least
    /// <see cref="HeaderBytes"/> + content + 1 bytes) and returns its length.</summary>
    /// <remarks>The timestamp is UTC with a fixed 9-digit fraction (kubelet's RFC3339NanoFixed): .NET's clock has
    /// 100 ns ticks, so the last two digits are 0. Fixed width keeps records sortable as text; kubelet's lenient
    /// parser reads it as any RFC 3339 time.</remarks>
    public static int Format(Span<byte> destination, DateTimeOffset time, LogStream stream, bool partial, ReadOnlySpan<byte> content)
    {
        if (!time.UtcDateTime.TryFormat(destination, out var n, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff", CultureInfo.InvariantCulture) || n != TimestampBytes - 3)
            throw new ArgumentException("destination too short for a log record", nameof(destination));
        "00Z"u8.CopyTo(destination[n..]);
        n += 3;
        (stream == LogStream.Stdout ? " stdout "u8 : " stderr "u8).CopyTo(destination[n..]);
        n += 8;
        destination[n++] = partial ? (byte)'P' : (byte)'F';
        destination[n++] = (byte)' ';
        content.CopyTo(destination[n..]);
        n += content.Length;
        destination[n++] = (byte)'\n';
        return n;
    }

    /// <summary>Parses one record, <paramref name="line"/> being the record without its line end. False when the
    /// line is not a CRI record (kubelet skips such a line).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> line, out CriLogRecord record)
    {
        if (!TryParseHeader(line.Span, out var time, out var stream, out var partial, out var contentStart))
        {
            record = default;
            return false;
        }
        record = new CriLogRecord(time, stream, partial, line[contentStart..]);
        return true;
    }

    /// <summary>Reads the header at the start of <paramref name="line"/> (a record without its line end; what follows
    /// the header is not looked at). <paramref name="contentStart"/> is where the content begins.</summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> line, out DateTimeOffset time, out LogStream stream, out bool partial, out int contentStart)
    {
        time = default;
        stream = default;
        partial = false;
        contentStart = 0;
        var space = line.IndexOf((byte)' ');
        if (space < 0 || !TryParseTime(line[..space], out time)) return false;
        var at = space + 1;
        space = line[at..].IndexOf((byte)' ');
        if (space < 0) return false;
        var name = line.Slice(at, space);
        if (name.SequenceEqual("stdout"u8)) stream = LogStream.Stdout;
        else if (name.SequenceEqual("stderr"u8)) stream = LogStream.Stderr;
        else return false;
        at += space + 1;
        space = line[at..].IndexOf((byte)' ');
        if (space < 0) return false;
        // k8s: tags are ':'-separated and only the first is read ("Keep this forward compatible").
        var tags = line.Slice(at, space);
        var colon = tags.IndexOf((byte)':');
        partial = (colon < 0 ? tags : tags[..colon]).SequenceEqual("P"u8);
        contentStart = at + space + 1;
        return true;
    }

    /// <summary>RFC 3339 as Go's time.RFC3339Nano parses it: <c>YYYY-MM-DDTHH:MM:SS</c>, an optional fraction of any
    /// length (read to 100 ns), then <c>Z</c> or <c>±HH:MM</c>.</summary>
    private static bool TryParseTime(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] | 0x20) != 't' || s[13] != ':' || s[16] != ':') return false;
        if (!Number(s[..4], out var year) || !Number(s[5..7], out var month) || !Number(s[8..10], out var day)
            || !Number(s[11..13], out var hour) || !Number(s[14..16], out var minute) || !Number(s[17..19], out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        var at = 19;
        var ticks = 0L;
        if (s[at] == '.')
        {
            var scale = TimeSpan.TicksPerSecond / 10;
            var start = ++at;
            for (; at < s.Length && char.IsAsciiDigit((char)s[at]); at++, scale /= 10) ticks += (s[at] - '0') * scale;
            if (at == start) return false;
        }
        if (at >= s.Length) return false;
        TimeSpan offset;
        if ((s[at] | 0x20) == 'z' && at + 1 == s.Length)
        {
            offset = TimeSpan.Zero;
        }
        else if (s[at] is (byte)'+' or (byte)'-' && s.Length - at == 6 && s[at + 3] == ':'
                 && Number(s.Slice(at + 1, 2), out var oh) && Number(s.Slice(at + 4, 2), out var om) && oh <= 14 && om <= 59)
        {
            offset = new TimeSpan(oh, om, 0) * (s[at] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks) return false;
        time = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool Number(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            if (!char.IsAsciiDigit((char)d)) return false;
            value = value * 10 + (d - '0');
        }
        return true;
    }
}
