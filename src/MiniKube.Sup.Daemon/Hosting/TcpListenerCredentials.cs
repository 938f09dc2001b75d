using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// What the loopback TCP listener needs: a bearer token and a TLS certificate. kubectl (client-go) never
/// sends a bearer token over plain http — observed here with kubectl v1.32 -v=9: no Authorization header — so a
/// token-protected listener must be https. Each start makes a fresh token and self-signed certificate and writes
/// &lt;state-dir&gt;/token, &lt;state-dir&gt;/ca.crt and a ready &lt;state-dir&gt;/kubeconfig (all 0600).
/// </summary>
internal sealed record TcpListenerCredentials(string Token, X509Certificate2 Certificate, string KubeconfigPath, string CertificatePem)
{
    public static TcpListenerCredentials Create(string stateDir, IPEndPoint endpoint)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sup", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        // Bound to every address (--listen-any 0.0.0.0:P): clients on this host come through loopback, others
        // through one of the host's own addresses.
        foreach (var address in Reachable(endpoint.Address)) names.AddIpAddress(address);
        // Where image pods reach the API (KUBERNETES_SERVICE_HOST there), and the names in-cluster clients use.
        names.AddIpAddress(Spec.ServiceAddress.ApiInPods.Address);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes");
        names.AddDnsName("kubernetes.default");
        names.AddDnsName("kubernetes.default.svc");
        names.AddDnsName("kubernetes.default.svc.cluster.local");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var generated = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var certificate = X509CertificateLoader.LoadPkcs12(generated.Export(X509ContentType.Pkcs12), null);
        var pem = generated.ExportCertificatePem();

        WritePrivate(Path.Combine(stateDir, "token"), token);
        WritePrivate(Path.Combine(stateDir, "ca.crt"), pem + "\n");
        var kubeconfig = Path.Combine(Path.GetFullPath(stateDir), "kubeconfig");
        var local = new IPEndPoint(LocalAddress(endpoint.Address), endpoint.Port);
        var server = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"https://[{local.Address}]:{local.Port}" : $"https://{local}";
        WritePrivate(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: sup
                cluster:
                  server: {server}
                  certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem))}
            users:
              - name: sup
                user:
                  token: {token}
            contexts:
              - name: sup
                context:
                  cluster: sup
                  user: sup
                  namespace: default
            current-context: sup

            """);
        return new TcpListenerCredentials(token, certificate, kubeconfig, pem + "\n");
    }

    private static void WritePrivate(string path, string content)
    {
        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    /// <summary>Where a client on this host dials a listener bound to <paramref name="bound"/>: loopback for an
    /// unspecified address (0.0.0.0, ::), else the address itself.</summary>
    public static IPAddress LocalAddress(IPAddress bound) =>
        bound.Equals(IPAddress.Any) ? IPAddress.Loopback : bound.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : bound;

    private static IEnumerable<IPAddress> Reachable(IPAddress bound)
    {
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any)) return [bound];
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => bound.Equals(IPAddress.IPv6Any) || a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Where(a => !a.IsIPv6LinkLocal);
        return own.Append(LocalAddress(bound)).Distinct();
    }
}
