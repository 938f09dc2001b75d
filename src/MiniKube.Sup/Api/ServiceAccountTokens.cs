using System.Security.Cryptography;
using System.Text;

namespace MiniKube.Sup.Api;

/// <summary>
/// The tokens pods get at <c>/var/run/secrets/kubernetes.io/serviceaccount/token</c> (k8s: the service account
/// admission plugin's projected token): one per namespace and daemon life, an HMAC of the namespace under a key that
/// never leaves the daemon, so that the API can tell which namespace a token is for without keeping a list.
/// What such a token may do is far less than the daemon's own token: read (get, list, watch) its own namespace's
/// objects, Secrets excepted, and the discovery documents; anything else is 403 (k8s: what RBAC would grant a
/// workload that was given read access to its namespace). A container therefore cannot drive the daemon.
/// </summary>
public sealed class ServiceAccountTokens(string caPem)
{
    private const string Prefix = "sup-sa.";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The API's certificate, as pods find it in <c>ca.crt</c>.</summary>
    public string CaPem { get; } = caPem;

    public string Issue(string ns) => $"{Prefix}{ns}.{Mac(ns)}";

    /// <summary>The namespace a token was issued for; null when it is not one of ours.</summary>
    public string? NamespaceOf(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length) return null;
        var ns = token[Prefix.Length..dot];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token[(dot + 1)..]), Encoding.ASCII.GetBytes(Mac(ns))) ? ns : null;
    }

    /// <summary>Whether a pod of namespace <paramref name="ns"/> may make this request with its token.</summary>
    public static bool Allows(string ns, string method, string path)
    {
        if (method is not ("GET" or "HEAD")) return false;
        var segments = path.Trim('/').Split('/');
        // Discovery: /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}.
        if (segments is ["version"] or ["api"] or ["api", _] or ["apis"] or ["apis", _] or ["apis", _, _]) return true;
        var rest = segments switch
        {
            ["api", _, "namespaces", var n, .. var r] when n == ns => r,
            ["apis", _, _, "namespaces", var n, .. var r] when n == ns => r,
            _ => null,
        };
        // Never a command in another pod (exec, attach, port-forward, proxy are GETs too): a pod's token reads.
        if (rest is [_, _, "exec" or "attach" or "portforward" or "proxy", ..]) return false;
        return rest is { Length: >= 1 } && rest[0] != "secrets";
    }

    private string Mac(string ns) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(ns)))[..32];
}
