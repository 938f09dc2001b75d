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
            var before = _reported.GetValueOrDefault(name);
            if (problem.Length > 0 && before != problem)
                Record(service.Metadata, SupEvent.Warning, ServiceListening.Failed, problem);
            else if (problem.Length == 0 && !string.IsNullOrEmpty(before))
                Record(service.Metadata, SupEvent.Normal, "Listening", $"listening on {string.Join(", ", proxies.Bound(name))}");
            _reported[name] = problem;
            WriteListening(key, service, proxies.Bound(name).Select(e => e.ToString()).ToList(), errors);
            // A port another program holds may be let go: try again, as the kubelet retries what it could not set up.
            if (errors.Count > 0) return Task.FromResult<TimeSpan?>(RetryListen);
        }
        else proxies.Remove(name);
        return Task.FromResult<TimeSpan?>(null);
    }

    /// <summary>Keeps the Service's <see cref="ServiceListening"/> condition true to what its proxy holds (written
    /// only when it changes: the write is itself a change of the Service, which brings it back here).</summary>
    private void WriteListening(ObjectKey key, V1Service service, IReadOnlyList<string> bound, IReadOnlyList<string> problems)
    {
        var stored = ServiceListening.Of(service);
        var next = ServiceListening.Condition(bound, problems, stored, service.Metadata.Generation, Time.GetUtcNow().UtcDateTime);
        if (!ServiceListening.Differs(stored, next)) return;
        var status = service.Status ?? new V1ServiceStatus();
        status.Conditions = [.. (status.Conditions ?? []).Where(c => c.Type != ServiceListening.Type), next];
        try { Store.UpdateStatus(key, status, service.Metadata.Uid, durability: Durability.Soon); }
        catch (StoreNotFoundException) { }
        catch (StoreConflictException) { }
    }
}
