namespace MiniKube.Sup.Services;

/// <summary>How Service connections from the host are forwarded (sup run --service-proxy).</summary>
public enum ServiceProxyMode
{
    /// <summary>In the kernel where the daemon may (root, nftables with NAT), else in user space.</summary>
    Auto,

    /// <summary>In the kernel (nftables DNAT, as kube-proxy's nftables mode), or the daemon does not start.</summary>
    Kernel,

    /// <summary>Always through the daemon's own listeners (data spliced from socket to socket in the kernel).</summary>
    Userspace,
}
