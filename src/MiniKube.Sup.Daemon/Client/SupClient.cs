using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.Cli.Client;

/// <summary>HTTP to the daemon's API over &lt;state-dir&gt;/sup.sock: the one way client commands talk to it. Whatever
/// goes wrong on the way is one <see cref="DaemonUnreachableException"/> with a one-line message: no daemon, a socket
/// that is not this user's, a connection that breaks.</summary>
internal sealed class SupClient : IDisposable
{
    public const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";

    private readonly HttpClient _http;

    public SupClient(string stateDir)
    {
        StateDir = Path.GetFullPath(stateDir);
        SocketPath = Path.Combine(StateDir, "sup.sock");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancel).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw DaemonUnreachableException.Connecting(this, e);
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://sup/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string StateDir { get; }

    public string SocketPath { get; }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)> SendAsync(
        HttpMethod method, string path, string? body = null, string? accept = null, string contentType = "application/json", CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        try
        {
            using var response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false), response.Headers);
        }
        catch (Exception e) when (Transport(e) is { } unreachable) { throw unreachable; }
    }

    /// <summary>A streaming GET (watch, logs -f): the response body as it comes.</summary>
    public async Task<Stream> StreamAsync(string path, string? accept, CancellationToken cancel)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw ApiException.From(response.StatusCode, await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false));
            return await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (Transport(e) is { } unreachable) { throw unreachable; }
    }

    /// <summary>What a failure on the way to the daemon or back means to the user; null for anything else
    /// (a cancellation, an error answer).</summary>
    private DaemonUnreachableException? Transport(Exception e) => e switch
    {
        HttpRequestException { InnerException: DaemonUnreachableException d } => d,
        HttpRequestException or IOException => DaemonUnreachableException.Broken(this, e),
        _ => null,
    };

    public void Dispose() => _http.Dispose();
}
