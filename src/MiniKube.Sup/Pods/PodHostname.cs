using k8s.Models;

namespace MiniKube.Sup.Pods;

/// <summary>A pod's hostname as Kubernetes gives it: spec.hostname, else the pod's name, cut to 63 characters; a
/// pod on the host's network has the host's.</summary>
public static class PodHostname
{
    public static string Of(V1Pod pod)
    {
        if (pod.Spec?.HostNetwork == true) return Environment.MachineName;
        var name = string.IsNullOrEmpty(pod.Spec?.Hostname) ? pod.Metadata.Name : pod.Spec.Hostname;
        return name.Length > 63 ? name[..63].TrimEnd('-', '.') : name;
    }
}
