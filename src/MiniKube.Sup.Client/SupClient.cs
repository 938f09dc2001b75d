using MiniKube.Sup.Spec;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client;

/// <summary>HTTP to the daemon's API over &lt;state-dir&gt;/sup.sock: the one way client commands talk to it. Whatever
/// goes wrong on the way is one <see cref="DaemonUnreachableException"/> with a one-line message: no daemon, a socket
/// that is not this user's, a connection that breaks.</summary>
internal sealed class SupClient : IDisposable
{
    public const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";

    private readonly HttpClient _http;

    public SupClient(string stateDir)
    {
        StateDir = System.IO.Path.GetFullPath(stateDir);
        SocketPath = System.IO.Path.Combine(StateDir, "sup.sock");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancel).ConfigureAwait(false);
                    CheckPeer(socket);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw DaemonUnreachableException.Connecting(this, e);
                }
                catch (UntrustedDaemonException)
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _handler = handler;
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://sup/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    private readonly SocketsHttpHandler _handler;

    /// <summary>A WebSocket to the daemon's API at <paramref name="path"/> with this subprotocol (port-forward).</summary>
    public async Task<System.Net.WebSockets.ClientWebSocket> WebSocketAsync(string path, string subProtocol, CancellationToken cancel)
    {
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        try
        {
            await socket.ConnectAsync(new Uri("ws://sup/" + path.TrimStart('/')), new HttpMessageInvoker(_handler, disposeHandler: false), cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public string StateDir { get; }

    /// <summary>The namespace commands read and write (-n).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Lists and watches span every namespace (-A).</summary>
    public bool AllNamespaces { get; init; }

    /// <summary>The API path of <paramref name="kind"/> (or one object of it) in <see cref="Namespace"/>, or for a list
    /// with -A, across all; <paramref name="ns"/> overrides the namespace (an object's own).</summary>
    public string Path(KindInfo kind, string? name = null, string? query = null, string? ns = null) =>
        KindArgument.Path(kind, name, query, name is null && AllNamespaces && ns is null ? null : ns ?? Namespace);

    /// <summary>How kubectl says a list came back empty: "No resources found in default namespace."</summary>
    public string NoResources(KindInfo kind) =>
        AllNamespaces || !kind.Namespaced ? "No resources found" : $"No resources found in {Namespace} namespace.";

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
        catch (HttpRequestException e) when (e.InnerException is UntrustedDaemonException u) { throw u; }
        catch (Exception e) when (Transport(e) is { } unreachable) { throw unreachable; }
    }

    /// <summary>GET of an object (or, without a name, of the list) as JSON; an error answer is an <see cref="ApiException"/>.</summary>
    public async Task<string> GetJsonAsync(KindInfo kind, string? name, string? query = null, CancellationToken cancel = default)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, Path(kind, name, query), cancel: cancel).ConfigureAwait(false);
        if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
        return body;
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
        catch (HttpRequestException e) when (e.InnerException is UntrustedDaemonException u) { throw u; }
        catch (Exception e) when (Transport(e) is { } unreachable) { throw unreachable; }
    }

    /// <summary>A WebSocket to <paramref name="path"/> (pods/NAME/exec, attach) with <paramref name="protocol"/>. A
    /// refused upgrade is an <see cref="ApiException"/> with the server's reason (asked again without the upgrade: the
    /// server checks the pod and container before it).</summary>
    public async Task<System.Net.WebSockets.WebSocket> ConnectWebSocketAsync(string path, string protocol, CancellationToken cancel)
    {
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        try
        {
            await socket.ConnectAsync(new Uri("ws://sup/" + path.TrimStart('/')), _http, cancel).ConfigureAwait(false);
            return socket;
        }
        catch (System.Net.WebSockets.WebSocketException e)
        {
            socket.Dispose();
            if (e.InnerException is HttpRequestException { InnerException: UntrustedDaemonException u }) throw u;
            if (e.InnerException is { } inner && Transport(inner) is { } unreachable) throw unreachable;
            var (status, body, _) = await SendAsync(HttpMethod.Get, path, cancel: cancel).ConfigureAwait(false);
            throw status == HttpStatusCode.OK ? new ApiException(500, $"error: {e.Message}") : ApiException.From(status, body);
        }
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

    /// <summary>
    /// Talks only to a daemon that runs as this user or as root: one run by another user (a state dir they prepared
    /// in a shared folder, a socket they put or linked there) would see everything sent to it, Secrets included, and
    /// could answer anything. The kernel says who listens (SO_PEERCRED: the uid of the process that made the
    /// socket), so neither a symlink nor a swap between a check and the connect can fool it — the same trust git
    /// gives only a repository its user owns.
    /// </summary>
    private void CheckPeer(Socket socket)
    {
        const int SOL_SOCKET = 1, SO_PEERCRED = 17; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, credentials);
        var uid = System.Runtime.InteropServices.MemoryMarshal.Read<uint>(credentials[4..]);
        if (uid != 0 && uid != FileSystem.TrustedPath.EffectiveUid) throw new UntrustedDaemonException(this, uid);
    }
}
