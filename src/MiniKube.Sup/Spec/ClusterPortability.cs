using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// The way out to a cluster (`sup validate --for-cluster`): what in manifests that run here a real Kubernetes cluster
/// would refuse or run differently, located as errors are, each with the portable equivalent: a container without an
/// image (a host process here), <c>sup.minikube.io/</c> annotations, a loopback clusterIP, a hostPath volume.
/// </summary>
internal static class ClusterPortability
{
    public static IEnumerable<ManifestError> Find(IReadOnlyList<ParsedDocument> documents)
    {
        foreach (var document in documents)
        {
            foreach (var note in Annotations(document, document.Model.Metadata?.Annotations, "metadata.annotations")) yield return note;
            if (PodTemplate.Of(document.Model) is var (metadata, spec, path))
            {
                foreach (var note in Annotations(document, metadata?.Annotations, path.Dot("metadata").Dot("annotations"))) yield return note;
                foreach (var note in PodSpec(document, spec, path.Dot("spec"))) yield return note;
            }
            if (document.Model is V1Service { Spec.ClusterIP: { } ip } && ip != "None" && System.Net.IPAddress.TryParse(ip, out var address) && System.Net.IPAddress.IsLoopback(address))
                yield return document.Error("spec.clusterIP", $"a loopback clusterIP ({ip}) is refused by a cluster, which gives each Service an IP of its service CIDR: remove the field (clients reach the Service by its name)");
        }
    }

    private static IEnumerable<ManifestError> Annotations(ParsedDocument document, IDictionary<string, string>? annotations, string path)
    {
        foreach (var key in (annotations ?? new Dictionary<string, string>()).Keys.Where(k => k.StartsWith(SupAnnotations.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var instead = key switch
            {
                SupAnnotations.Runtime => "a cluster runs every container in its image: give each container the image its command is in",
                _ when key.StartsWith(SupAnnotations.StepTimeoutSeconds, StringComparison.Ordinal) =>
                    "a cluster ignores it: bound a step with the Job's activeDeadlineSeconds, or catch a hang with a liveness probe",
                _ when key.StartsWith("sup.minikube.io/wait-for", StringComparison.Ordinal) =>
                    "a cluster ignores it: an init container that waits until its target answers does the same (e.g. `until nslookup db; do sleep 1; done`)",
                SupAnnotations.RestartOnChange => "a cluster ignores it: build a new image and `kubectl rollout restart` (or a dev tool such as Tilt or Skaffold) does the same",
                _ => "a cluster ignores it",
            };
            yield return document.Error(path.Dot(key), $"sup's own annotation: {instead}");
        }
    }

    private static IEnumerable<ManifestError> PodSpec(ParsedDocument document, V1PodSpec? spec, string path)
    {
        if (spec is null) yield break;
        foreach (var (list, name) in new[] { (spec.InitContainers, "initContainers"), (spec.Containers, "containers") })
            for (var i = 0; i < (list?.Count ?? 0); i++)
                if (string.IsNullOrEmpty(list![i].Image))
                    yield return document.Error(path.Dot(name).At(i).Dot("image"), "required on a cluster, which runs images only: here this container is a host process; put its program in an image");
        for (var i = 0; i < (spec.Volumes?.Count ?? 0); i++)
            if (spec.Volumes![i].HostPath is not null)
                yield return document.Error(path.Dot("volumes").At(i).Dot("hostPath"), "a path on whichever node runs the pod, and often refused by a cluster's policy: use a persistentVolumeClaim (or a configMap for files)");
    }
}
