using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>Which pods run in a container engine (SPEC §2): those whose containers have an image, unless annotation
/// <c>sup.minikube.io/runtime: host</c> runs their commands on the host. A pod never mixes the two (the validator
/// refuses it), so one container with an image decides.</summary>
public static class ImagePods
{
    public static bool RunInEngine(V1ObjectMeta? metadata, V1PodSpec? spec) =>
        SupAnnotations.RuntimeOf(metadata?.Annotations) != SupAnnotations.HostRuntime
        && (spec?.InitContainers ?? []).Concat(spec?.Containers ?? []).Any(HasImage);

    public static bool HasImage(V1Container? container) => !string.IsNullOrEmpty(container?.Image);
}
