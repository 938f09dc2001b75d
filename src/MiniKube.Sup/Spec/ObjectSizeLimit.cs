using System.Text;
using k8s;

namespace MiniKube.Sup.Spec;

/// <summary>
/// The most one object may hold: 1 MiB as JSON. k8s: etcd refuses a value over 1.5 MiB ("etcdserver: request is too
/// large") and the API server keeps a ConfigMap's or Secret's data to 1 MiB ("Too long: must have at most 1048576
/// bytes"); sup holds every object to 1 MiB, so that `sup validate` refuses, with the object's position, what the
/// daemon would not store, before anything is sent.
/// </summary>
public static class ObjectSizeLimit
{
    public const int MaxBytes = 1024 * 1024;

    internal static ManifestError? Check(ParsedDocument document)
    {
        var size = Encoding.UTF8.GetByteCount(KubernetesJson.Serialize(document.Model));
        if (size <= MaxBytes) return null;
        var at = document.Location;
        return new ManifestError(at.File, at.Line, at.Column, document.ObjectRef, string.Empty,
            $"Too long: an object must have at most {MaxBytes} bytes (as JSON); this one has {size}. Keep large data in files " +
            "(a hostPath or persistentVolumeClaim volume) rather than in the manifest");
    }
}
