using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Probes;

/// <summary>
/// k8s pkg/probe/http: GET scheme://host:port/path with User-Agent kube-probe/1.32 and Accept */* unless the
/// probe's headers say otherwise; 200–399 is success; at most 10 KiB of the body is read; keep-alive is off.
/// Redirects to the same host are followed (at most 10); a redirect to another host is not, and its 3xx is a
/// Warning (success, plus a ProbeWarning event). HTTPS does not verify certificates. Cleartext HTTP is one plain
/// HTTP/1.1 exchange on a new connection (<see cref="PlainHttpGet"/>), so a thousand probes a second cost little
/// more than their connections; HTTPS goes through one shared HttpClient. Connections to an IP go through the
/// network of the pod at that IP (<see cref="PodNetworks"/>): an image pod is dialled from inside its namespace.
/// </summary>
public sealed class HttpGetProber(TimeProvider time, PodNetworks networks) : IProber
{
    public const string KubeVersion = "1.32";
    private const int MaxBody = 10 * 1024; // k8s maxRespBodyLength
    private const int MaxRedirects = 10;

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // k8s: InsecureSkipVerify
        ConnectCallback = (context, cancellationToken) => ProbeDialer.ConnectAsync(networks, context.DnsEndPoint, cancellationToken),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own deadline on the injected clock
    };

    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.HttpGet ?? throw new ArgumentException("not an httpGet handler", nameof(request));
        if (ProbePorts.Resolve(action.Port, request.Target.Container, out var error) is not { } port) return ProbeOutcome.Error(error);
        var host = string.IsNullOrEmpty(action.Host) ? request.Target.PodIp ?? "127.0.0.1" : action.Host;
        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        if (!Uri.TryCreate(FormatUrl(scheme, host, port, action.Path), UriKind.Absolute, out var url))
            return ProbeOutcome.Error($"invalid URL for {scheme}://{HostPort.Join(host, port)}{action.Path}");
        var agent = request.IsHook ? "kube-lifecycle" : "kube-probe";

        using var deadline = new ProbeDeadline(request.Timeout, time, cancellationToken);
        var first = url;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                var answer = string.Equals(url.Scheme, "http", StringComparison.Ordinal)
                    ? await SendPlainAsync(url, action.HttpHeaders, agent, deadline.Token).ConfigureAwait(false)
                    : await SendTlsAsync(url, action.HttpHeaders, agent, deadline.Token).ConfigureAwait(false);
                var code = answer.Code;
                if (code is >= 300 and < 400 && answer.Location is { } location
                    && Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var target) && Uri.TryCreate(url, target, out var next))
                {
                    // k8s RedirectChecker(followNonLocalRedirects=false): another host ends the chain with this 3xx.
                    if (string.Equals(next.Host, first.Host, StringComparison.OrdinalIgnoreCase))
                    {
                        // Go's client: the check sees the requests made so far; at ten it stops with an error.
                        if (redirects + 1 >= MaxRedirects) return ProbeOutcome.Failure($"Get \"{next}\": stopped after 10 redirects");
                        url = next;
                        continue;
                    }
                }
                var body = answer.Body;
                // k8s: a lifecycle hook fails only when no response comes; its status code is not looked at.
                if (request.IsHook) return ProbeOutcome.Success(body);
                if (code is >= 200 and < 300) return ProbeOutcome.Success(body);
                if (code is >= 300 and < 400) return ProbeOutcome.Warning($"Probe terminated redirects, Response body: {body}");
                return ProbeOutcome.Failure($"HTTP probe failed with statuscode: {code}");
            }
        }
        catch (OperationCanceledException) when (deadline.TimedOut)
        {
            return ProbeOutcome.Failure($"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            var cause = e.InnerException is SocketException s ? $"dial tcp {HostPort.Join(url.Host, url.Port)}: {GoErrors.Socket(s)}" : e.Message;
            return ProbeOutcome.Failure($"Get \"{url}\": {cause}");
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failure($"Get \"{url}\": {e.Message}");
        }
    }

    private async Task<PlainHttpGet.Answer> SendPlainAsync(Uri url, IList<k8s.Models.V1HTTPHeader>? headers, string agent, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await ProbeDialer.ConnectSocketAsync(networks, url.Host, url.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException(e.Message, e); // a dial error, worded as the kubelet words it
        }
        try
        {
            return await PlainHttpGet.SendAsync(socket, url.PathAndQuery, HeaderLines(url, headers, agent), MaxBody, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException(GoErrors.Socket(e), e);
        }
    }

    private async Task<PlainHttpGet.Answer> SendTlsAsync(Uri url, IList<k8s.Models.V1HTTPHeader>? headers, string agent, CancellationToken cancellationToken)
    {
        using var message = NewRequest(url, headers, agent);
        using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var location = response.Headers.Location?.OriginalString;
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return new PlainHttpGet.Answer((int)response.StatusCode, location, body);
    }

    /// <summary>The request's headers as Go's client writes them: Host (host:port, or the probe's Host header),
    /// User-Agent and Accept unless the probe names them, the probe's own, and Connection: close (k8s:
    /// DisableKeepAlives). A value's line breaks become spaces, as Go's.</summary>
    private static List<string> HeaderLines(Uri url, IList<k8s.Models.V1HTTPHeader>? headers, string agent)
    {
        string? host = null;
        var lines = new List<string>(6);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in headers ?? [])
        {
            if (string.IsNullOrEmpty(h.Name)) continue;
            names.Add(h.Name);
            var value = (h.Value ?? "").Replace('\r', ' ').Replace('\n', ' ');
            if (h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) host = value;
            else if (h.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase) && value.Length == 0) continue; // k8s: an empty Accept removes it
            else lines.Add($"{h.Name}: {value}");
        }
        lines.Insert(0, $"Host: {(string.IsNullOrEmpty(host) ? $"{url.Host}:{url.Port}" : host)}");
        if (!names.Contains("User-Agent")) lines.Insert(1, $"User-Agent: {agent}/{KubeVersion}");
        if (!names.Contains("Accept")) lines.Add("Accept: */*");
        lines.Add("Connection: close");
        return lines;
    }

    /// <summary>k8s formatURL: the path may carry a query; the host and port are set from the probe.</summary>
    private static string FormatUrl(string scheme, string host, int port, string? path)
    {
        var p = string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path;
        return $"{scheme}://{HostPort.Join(host, port)}{p}";
    }

    private static HttpRequestMessage NewRequest(Uri url, IList<k8s.Models.V1HTTPHeader>? headers, string agent)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        message.Headers.ConnectionClose = true; // k8s: DisableKeepAlives
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in headers ?? [])
        {
            if (string.IsNullOrEmpty(h.Name)) continue;
            names.Add(h.Name);
            if (h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) message.Headers.Host = h.Value;
            else if (h.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(h.Value)) continue; // k8s: an empty Accept removes it
            else message.Headers.TryAddWithoutValidation(h.Name, h.Value ?? "");
        }
        if (!names.Contains("User-Agent")) message.Headers.TryAddWithoutValidation("User-Agent", $"{agent}/{KubeVersion}");
        if (!names.Contains("Accept")) message.Headers.TryAddWithoutValidation("Accept", "*/*");
        return message;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBody];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
