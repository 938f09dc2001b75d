namespace MiniKube.Sup.Pods;

/// <summary>Told that a pod's termination begins, before any of its containers is signalled (k8s: a terminating
/// pod's endpoints leave its Services at the start of termination, so that it gets no new connection while it
/// stops).</summary>
public interface IPodTerminationListener
{
    void Terminating(string podIp);
}
