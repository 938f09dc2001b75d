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

    public override string Kind => Kinds.Service.Kind;

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
            return Task.FromResult<TimeSpan?>(null);
        }
        var built = EndpointsBuilder.Build(service, Pods.List().Where(p => (p.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace) == key.Namespace));
        // Derived from the pods at every look: written Soon.
        if (service.Spec?.Selector is { Count: > 0 }) Store.CreateOrUpdate(built.Endpoints, PodControl.ControllerSource, Durability.Soon);
        if (ServiceAddress.Of(service) is { } address)
        {
            var inPods = ServiceAddress.InPods(Store.List(Kind).Select(e => e.Object).OfType<V1Service>())[ServiceAddress.KeyOf(service)];
            var errors = proxies.Apply(name, address, inPods, built.Ready, service.Spec?.PublishNotReadyAddresses == true);
            var problem = string.Join("; ", errors);
            if (problem.Length > 0 && _reported.GetValueOrDefault(name) != problem)
                Record(service.Metadata, SupEvent.Warning, "FailedToListen", problem);
            _reported[name] = problem;
        }
        else proxies.Remove(name);
        return Task.FromResult<TimeSpan?>(null);
    }
}
