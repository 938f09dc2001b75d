using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.Probes;

/// <summary>
/// One cleartext HTTP/1.1 GET on a connection of its own, as Go's client sends a probe with keep-alive off: the
/// request with <c>Connection: close</c>, the response's status and Location, and at most <c>limit</c> bytes of its
/// body (Content-Length, chunked, or up to the close; 1xx answers skipped). It is the few syscalls a probe needs and
/// one pooled buffer, where a pooled HttpClient made a connection object, its buffers and its pool bookkeeping per
/// probe (the kubelet opens a new connection per probe, so nothing is lost by not pooling).
/// </summary>
internal sealed class PlainHttpGet : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MaxHeaderBytes = 1024 * 1024; // Go's DefaultMaxHeaderBytes

    private readonly Socket _socket;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private bool _closed;

    private PlainHttpGet(Socket socket) => _socket = socket;

    /// <summary>Sends the GET on <paramref name="socket"/> (which it closes) and reads the answer.</summary>
    /// <param name="headers">the request's header lines after the request line, each "Name: value"</param>
    /// <exception cref="SocketException">the connection failed while sending or reading</exception>
    /// <exception cref="IOException">the answer is not HTTP/1.x, or ended before its headers</exception>
    public static async Task<Answer> SendAsync(Socket socket, string target, IReadOnlyList<string> headers, int limit, CancellationToken cancellationToken)
    {
        using var exchange = new PlainHttpGet(socket);
        await exchange.WriteRequestAsync(target, headers, cancellationToken).ConfigureAwait(false);
        return await exchange.ReadAnswerAsync(limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status code, the Location header (null when absent) and the body read.</summary>
    public readonly record struct Answer(int Code, string? Location, string Body);

    public void Dispose()
    {
        _socket.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private async Task WriteRequestAsync(string target, IReadOnlyList<string> headers, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(256).Append("GET ").Append(target).Append(" HTTP/1.1\r\n");
        foreach (var h in headers) text.Append(h).Append("\r\n");
        text.Append("\r\n");
        var length = Encoding.UTF8.GetByteCount(text.ToString());
        var bytes = length <= _buffer.Length ? _buffer : new byte[length];
        Encoding.UTF8.GetBytes(text.ToString(), bytes);
        for (var sent = 0; sent < length;)
            sent += await _socket.SendAsync(bytes.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Answer> ReadAnswerAsync(int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("EOF"); // Go: a connection closed before any answer
            var code = StatusCode(status);
            string? location = null;
            long? contentLength = null;
            var chunked = false;
            for (var headerBytes = 0; ;)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("unexpected EOF");
                if (line.Length == 0) break;
                headerBytes += line.Length;
                if (headerBytes > MaxHeaderBytes) throw new IOException($"net/http: server response headers exceeded {MaxHeaderBytes} bytes; aborted");
                var colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var name = line.AsSpan(0, colon).Trim();
                var value = line.AsSpan(colon + 1).Trim();
                if (name.Equals("Location", StringComparison.OrdinalIgnoreCase)) location ??= value.ToString();
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                         && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) contentLength = n;
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                         && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
            }
            // Go: 1xx answers other than 101 are skipped; the final answer follows on the same connection.
            if (code is >= 100 and < 200 && code != 101) continue;
            if (code is 204 or 304 or (>= 100 and < 200)) return new Answer(code, location, "");
            var body = chunked
                ? await ReadChunkedAsync(limit, cancellationToken).ConfigureAwait(false)
                : await ReadBodyAsync(contentLength is { } cl ? (int)Math.Min(cl, limit) : limit, cancellationToken).ConfigureAwait(false);
            return new Answer(code, location, body);
        }
    }

    /// <summary>"HTTP/1.1 200 OK" → 200; anything else is not an HTTP answer (Go: malformed HTTP response).</summary>
    private static int StatusCode(string line)
    {
        if (line.StartsWith("HTTP/1.", StringComparison.Ordinal) && line.Length >= 12 && line[8] == ' '
            && int.TryParse(line.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            && (line.Length == 12 || line[12] == ' '))
            return code;
        throw new IOException($"net/http: HTTP/1.x transport connection broken: malformed HTTP response \"{line}\"");
    }

    private async Task<string> ReadBodyAsync(int count, CancellationToken cancellationToken)
    {
        var body = new byte[count];
        var total = 0;
        while (total < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false)) break;
            var n = Math.Min(count - total, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(body.AsSpan(total));
            _start += n;
            total += n;
        }
        return Encoding.UTF8.GetString(body, 0, total);
    }

    private async Task<string> ReadChunkedAsync(int limit, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        var left = limit;
        while (left > 0)
        {
            var size = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (size is null) break;
            var semicolon = size.IndexOf(';');
            if (!long.TryParse(semicolon < 0 ? size.AsSpan().Trim() : size.AsSpan(0, semicolon).Trim(), NumberStyles.AllowHexSpecifier,
                    CultureInfo.InvariantCulture, out var chunk) || chunk < 0)
                throw new IOException("invalid byte in chunk length");
            if (chunk == 0) break;
            var take = (int)Math.Min(chunk, left);
            var text = await ReadBodyAsync(take, cancellationToken).ConfigureAwait(false);
            body.Append(text);
            left -= take;
            if (take < chunk) break; // the limit is reached: the rest is not read
            await ReadLineAsync(cancellationToken).ConfigureAwait(false); // the chunk's CRLF
        }
        return body.ToString();
    }

    /// <summary>The next line without its CRLF (or bare LF, which Go accepts too); null at the end of the stream.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_start == _end) return null;
                var rest = Encoding.Latin1.GetString(_buffer, _start, _end - _start);
                _start = _end;
                return rest;
            }
        }
    }

    /// <summary>Reads more into the buffer (moving what is unread to its start, growing it when it is full).</summary>
    /// <returns>false at the end of the stream</returns>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_closed) return false;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxHeaderBytes) throw new IOException($"net/http: server response headers exceeded {MaxHeaderBytes} bytes; aborted");
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _closed = true;
            return false;
        }
        _end += n;
        return true;
    }
}
