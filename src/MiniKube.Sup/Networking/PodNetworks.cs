using System.Net;

namespace MiniKube.Sup.Networking;

/// <summary>
/// Every pod's network, by pod IP: the one place that knows which pods have a network namespace of their own.
/// The runtime attaches a pod's namespace once its sandbox exists and disposes it when the sandbox goes; probes
/// and the Service proxy ask <see cref="Of(IPAddress)"/> for the pod behind an IP and act through what they get.
/// An IP attached to no namespace is a pod on the host's network.
/// </summary>
public sealed class PodNetworks
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, NamespacePodNetwork> _namespaced = new();
    private readonly List<Action> _subscribers = [];

    /// <summary>Enters the network namespace of <paramref name="namespacePid"/> for the pod at
    /// <paramref name="podIp"/>. A network attached earlier for that IP (a sandbox made again) is let go.</summary>
    /// <returns>the pod's network; dispose it when the pod's sandbox is removed</returns>
    /// <exception cref="NetworkNamespaceGoneException">the process is gone, or its namespace cannot be entered</exception>
    public NamespacePodNetwork Attach(IPAddress podIp, int namespacePid)
    {
        var network = new NamespacePodNetwork(podIp, NetworkNamespace.OfProcess(namespacePid), Detach);
        NamespacePodNetwork? replaced;
        lock (_gate)
        {
            _namespaced.Remove(podIp, out replaced);
            _namespaced[podIp] = network;
        }
        replaced?.Dispose();
        Notify();
        return network;
    }

    /// <summary>The network of the pod at <paramref name="podIp"/>: its namespace when one is attached, else the
    /// host's.</summary>
    public IPodNetwork Of(IPAddress podIp)
    {
        lock (_gate)
            if (_namespaced.TryGetValue(podIp, out var network)) return network;
        return new HostPodNetwork(podIp);
    }

    /// <inheritdoc cref="Of(IPAddress)"/>
    public IPodNetwork Of(string podIp) => Of(IPAddress.Parse(podIp));

    /// <summary>The pods that have a network namespace of their own, now.</summary>
    public IReadOnlyList<NamespacePodNetwork> Namespaced()
    {
        lock (_gate) return _namespaced.Values.ToList();
    }

    /// <summary>Calls <paramref name="changed"/> after each attach and detach, on the thread that made it: it must
    /// only wake the subscriber's own loop, which then reads <see cref="Namespaced"/>.</summary>
    public IDisposable Subscribe(Action changed)
    {
        lock (_gate) _subscribers.Add(changed);
        return new Subscription(this, changed);
    }

    private void Detach(NamespacePodNetwork network)
    {
        bool removed;
        lock (_gate)
            removed = _namespaced.TryGetValue(network.PodIp, out var current) && current == network && _namespaced.Remove(network.PodIp);
        if (removed) Notify();
    }

    private void Notify()
    {
        Action[] subscribers;
        lock (_gate) subscribers = [.. _subscribers];
        foreach (var s in subscribers) s();
    }

    private sealed class Subscription(PodNetworks networks, Action changed) : IDisposable
    {
        public void Dispose()
        {
            lock (networks._gate) networks._subscribers.Remove(changed);
        }
    }
}
