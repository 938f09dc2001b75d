using System.Text;
using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// What the API server does to an object it admits, once it is valid. A Secret's stringData is a write-only
/// convenience: it is merged into data, a stringData key winning over the same data key, and dropped (k8s: the
/// v1 Secret conversion), so that it is never stored, served or printed in plain text.
/// </summary>
public static class ManifestAdmission
{
    public static void Apply(IKubernetesObject<V1ObjectMeta> model)
    {
        if (model is V1Secret { StringData: { } stringData } secret)
        {
            secret.Data ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (key, value) in stringData) secret.Data[key] = Encoding.UTF8.GetBytes(value ?? "");
            secret.StringData = null;
        }
    }
}
