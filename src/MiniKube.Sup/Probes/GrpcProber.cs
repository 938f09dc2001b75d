using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Probes;

/// <summary>
/// k8s pkg/probe/grpc: the gRPC health protocol (<c>grpc.health.v1.Health/Check</c> for <c>grpc.service</c>, else
/// the server as a whole) over cleartext HTTP/2 to the pod IP and <c>grpc.port</c>, User-Agent kube-probe/1.32,
/// dialled through the pod's network as HTTP probes are. SERVING is a success ("service healthy"); any other status,
/// an RPC error, a refused connection or no answer within the timeout is a failure, worded as the kubelet words it.
/// </summary>
public sealed class GrpcProber(TimeProvider time, PodNetworks networks) : IProber
{
    private const string Path = "/grpc.health.v1.Health/Check";
    private const int Serving = 1;
    private const int Unimplemented = 12;
    private const int DeadlineExceeded = 4;

    // grpc.health.v1.HealthCheckResponse.ServingStatus, and the codes of google.golang.org/grpc/codes.
    private static readonly string[] Statuses = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];
    private static readonly string[] Codes =
    [
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied",
        "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable",
        "DataLoss", "Unauthenticated",
    ];

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectCallback = (context, cancellationToken) => ProbeDialer.ConnectAsync(networks, context.DnsEndPoint, cancellationToken),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own deadline on the injected clock
    };

    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.Grpc ?? throw new ArgumentException("not a grpc handler", nameof(request));
        var address = HostPort.Join(request.Target.PodIp ?? "127.0.0.1", action.Port);
        var seconds = request.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        using var deadline = new ProbeDeadline(request.Timeout, time, cancellationToken);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{address}{Path}")
        {
            // gRPC is HTTP/2; without TLS the client speaks it from the first byte (prior knowledge), as grpc-go does.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(action.Service)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation("User-Agent", $"kube-probe/{HttpGetProber.KubeVersion}");
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            var (code, text) = RpcStatus(response);
            if (code == Unimplemented)
                return ProbeOutcome.Failure($"error: this server does not implement the grpc health protocol (grpc.health.v1.Health): {text}");
            if (code == DeadlineExceeded) return ProbeOutcome.Failure($"timeout: health rpc did not complete within {seconds}");
            if (code != 0) return ProbeOutcome.Failure($"error: health rpc probe failed: rpc error: code = {CodeName(code)} desc = {text}");
            var status = ServingStatus(body);
            return status == Serving
                ? ProbeOutcome.Success("service healthy")
                : ProbeOutcome.Failure($"service unhealthy (responded with \"{(status < Statuses.Length ? Statuses[status] : status.ToString(CultureInfo.InvariantCulture))}\")");
        }
        catch (OperationCanceledException) when (deadline.TimedOut)
        {
            return ProbeOutcome.Failure($"timeout: health rpc did not complete within {seconds}");
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            var cause = e.InnerException is SocketException s ? $"dial tcp {address}: {GoErrors.Socket(s)}" : e.Message;
            return ProbeOutcome.Failure($"error: failed to connect service at \"{address}\": {cause}");
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failure($"error: health rpc probe failed: {e.Message}");
        }
    }

    /// <summary>A HealthCheckRequest (field 1: service, a string) in its gRPC frame: no compression, length
    /// (big-endian), message.</summary>
    private static byte[] Frame(string? service)
    {
        var name = Encoding.UTF8.GetBytes(service ?? "");
        var body = new List<byte>();
        if (name.Length > 0)
        {
            body.Add(0x0A); // field 1, length-delimited
            for (var n = (uint)name.Length; ; n >>= 7)
            {
                if (n < 0x80)
                {
                    body.Add((byte)n);
                    break;
                }
                body.Add((byte)(n | 0x80));
            }
            body.AddRange(name);
        }
        var frame = new byte[5 + body.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Count);
        body.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>grpc-status and grpc-message, from the trailers (or the headers of a trailers-only answer); an
    /// answer that is not gRPC at all is mapped as grpc-go maps HTTP statuses.</summary>
    private static (int Code, string Message) RpcStatus(HttpResponseMessage response)
    {
        foreach (var headers in new HttpHeaders[] { response.TrailingHeaders, response.Headers })
            if (headers.TryGetValues("grpc-status", out var values)
                && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                return (code, headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.FirstOrDefault() ?? "") : "");
        var http = (int)response.StatusCode;
        var mapped = http switch { 400 => 13, 401 => 16, 403 => 7, 404 => Unimplemented, 429 or 502 or 503 or 504 => 14, _ => 2 };
        return (mapped, $"unexpected HTTP status code received from server: {http} ({response.ReasonPhrase})");
    }

    /// <summary>HealthCheckResponse.status (field 1, a varint) of the first message; absent is UNKNOWN (0).</summary>
    private static int ServingStatus(byte[] body)
    {
        if (body.Length < 5) return 0;
        var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)), (uint)(body.Length - 5));
        var message = body.AsSpan(5, length);
        var status = 0;
        for (var i = 0; i < message.Length;)
        {
            var key = ReadVarint(message, ref i);
            switch (key & 7)
            {
                case 0:
                    var value = ReadVarint(message, ref i);
                    if (key >> 3 == 1) status = (int)value;
                    break;
                case 1: i += 8; break;
                case 2: i += (int)ReadVarint(message, ref i); break;
                case 5: i += 4; break;
                default: return status; // groups: not in this message
            }
        }
        return status;
    }

    private static long ReadVarint(ReadOnlySpan<byte> data, ref int i)
    {
        long value = 0;
        for (var shift = 0; i < data.Length && shift < 64; shift += 7)
        {
            var b = data[i++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        return value;
    }

    private static string CodeName(int code) => code >= 0 && code < Codes.Length ? Codes[code] : $"Code({code.ToString(CultureInfo.InvariantCulture)})";
}
