namespace MiniKube.Sup.Runtime;

/// <summary>What a pod's sandbox is made of (k8s PodSandboxConfig): the pod's identity (names and labels the
/// sandbox), its IP, whether it uses the host's network, its hostname, the ports published on its IP, and the
/// names its /etc/hosts resolves. <paramref name="RunsImages"/>: its containers run images, in an engine (a host
/// pod's sandbox is nothing). <paramref name="ShareProcessNamespace"/>: k8s shareProcessNamespace.</summary>
public sealed record SandboxRequest(
    string PodName,
    string Namespace,
    string PodUid,
    string PodIp,
    bool HostNetwork = false,
    string? Hostname = null,
    IReadOnlyList<PublishedPort>? Ports = null,
    IReadOnlyList<HostEntry>? Hosts = null,
    bool RunsImages = false,
    bool ShareProcessNamespace = false)
{
    public IReadOnlyList<PublishedPort> PublishedPorts => Ports ?? [];

    public IReadOnlyList<HostEntry> HostEntries => Hosts ?? [];
}

/// <summary>A containerPort, published on the pod's IP under the same number.</summary>
public sealed record PublishedPort(int Port, string Protocol = "TCP");

/// <summary>One line of a pod's /etc/hosts.</summary>
public sealed record HostEntry(string Name, string Ip);
