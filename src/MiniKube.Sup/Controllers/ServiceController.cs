using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Services;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// Services: keeps each Service's Endpoints object (the endpoints controller) and its proxy's endpoint set
/// (kube-proxy) in line with its pods. A change to any pod the Service selects re-syncs it (a pod whose
/// termination begins has already been withdrawn from every proxy by the pod agent, before it is signalled).
/// </summary>
public sealed class ServiceController(ControllerContext context, ServiceProxies proxies) : Controller(context)
{
    // The bind problems last reported per Service, so that each is an event once, not once per pod change.
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);

    // How each Service's connections were last said to be forwarded, so that a change is an event once.
    private readonly Dictionary<string, string> _forwarding = new(StringComparer.Ordinal);

    public override string Kind => Kinds.Service.Kind;

    /// <summary>How soon a port that could not be bound is tried again.</summary>
    public static TimeSpan RetryListen { get; } = TimeSpan.FromSeconds(5);

    public override IEnumerable<string> KeysFor(ObjectEvent change)
    {
        if (change.Kind == Kind)
        {
            yield return QueueKey(change.Object.Metadata);
            yield break;
        }
        if (change.Kind != Kinds.Pod.Kind || change.Object is not V1Pod pod) yield break;
        foreach (var e in Store.List(Kind, pod.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace))
            if (e.Object is V1Service service && EndpointsBuilder.Selects(service, pod))
                yield return QueueKey(service.Metadata);
    }

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        // The proxies and the reports are per Service: namespace/name.
        var name = $"{key.Namespace}/{key.Name}";
        if (Store.Get(key)?.Object is not V1Service service)
        {
            proxies.Remove(name);
            try { Store.Delete(key with { Kind = Kinds.Endpoints.Kind }, durability: Durability.Soon); }
            catch (StoreNotFoundException) { }
            _reported.Remove(name);
            _forwarding.Remove(name);
            return Task.FromResult<TimeSpan?>(null);
        }
        var built = EndpointsBuilder.Build(service, Pods.List().Where(p => (p.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace) == key.Namespace));
        TimeSpan? retry = null;
        if (ServiceAddress.Of(service) is { } address)
        {
            var inPods = ServiceAddress.InPods(Store.List(Kind).Select(e => e.Object).OfType<V1Service>())[ServiceAddress.KeyOf(service)];
            var errors = proxies.Apply(name, address, inPods, built.Ready, service.Spec?.PublishNotReadyAddresses == true);
            var problem = string.Join("; ", errors);
            var before = _reported.GetValueOrDefault(name);
            if (problem.Length > 0 && before != problem)
                Record(service.Metadata, SupEvent.Warning, ServiceListening.Failed, problem);
            else if (problem.Length == 0 && !string.IsNullOrEmpty(before))
                Record(service.Metadata, SupEvent.Normal, "Listening", $"listening on {string.Join(", ", proxies.Bound(name))}");
            _reported[name] = problem;
            var forwarding = proxies.Forwarding(name);
            if (_forwarding.GetValueOrDefault(name) != forwarding)
                Record(service.Metadata, SupEvent.Normal, "Forwarding", $"connections from the host are forwarded in {forwarding}");
            _forwarding[name] = forwarding;
            WriteListening(key, service, proxies.Bound(name).Select(e => e.ToString()).ToList(), errors, forwarding);
            // A port another program holds may be let go: try again, as the kubelet retries what it could not set up.
            if (errors.Count > 0) retry = RetryListen;
        }
        else proxies.Remove(name);
        // Derived from the pods at every look: written Soon, and after the proxy has the same endpoints (the kernel's
        // rules take a few milliseconds), so that a client that sees an endpoint gone from them reaches it no more.
        if (service.Spec?.Selector is { Count: > 0 }) Store.CreateOrUpdate(built.Endpoints, PodControl.ControllerSource, Durability.Soon);
        return Task.FromResult(retry);
    }

    /// <summary>Keeps the Service's <see cref="ServiceListening"/> condition true to what its proxy holds (written
    /// only when it changes: the write is itself a change of the Service, which brings it back here).</summary>
    private void WriteListening(ObjectKey key, V1Service service, IReadOnlyList<string> bound, IReadOnlyList<string> problems, string forwarding)
    {
        var stored = ServiceListening.Of(service);
        var next = ServiceListening.Condition(bound, problems, stored, service.Metadata.Generation, Time.GetUtcNow().UtcDateTime, forwarding);
        if (!ServiceListening.Differs(stored, next)) return;
        var status = service.Status ?? new V1ServiceStatus();
        status.Conditions = [.. (status.Conditions ?? []).Where(c => c.Type != ServiceListening.Type), next];
        try { Store.UpdateStatus(key, status, service.Metadata.Uid, durability: Durability.Soon); }
        catch (StoreNotFoundException) { }
        catch (StoreConflictException) { }
    }
}
