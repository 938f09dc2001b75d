using System.Text;
using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>The key/value entries of a ConfigMap or Secret as bytes, the way the kubelet sees them.</summary>
public static class ConfigData
{
    /// <summary>A ConfigMap's data (UTF-8) and binaryData; validation keeps their keys apart.</summary>
    public static Dictionary<string, byte[]> Of(V1ConfigMap configMap)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>()) entries[key] = Encoding.UTF8.GetBytes(value ?? "");
        foreach (var (key, value) in configMap.BinaryData ?? new Dictionary<string, byte[]>()) entries[key] = value ?? [];
        return entries;
    }

    /// <summary>A Secret's data (already base64-decoded by the model) with stringData on top.</summary>
    // k8s: the API server merges stringData into data on write, stringData winning; sup does so at admission
    // (ManifestAdmission), and merges here too for an object built in code that still carries it.
    public static Dictionary<string, byte[]> Of(V1Secret secret)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>()) entries[key] = value ?? [];
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>()) entries[key] = Encoding.UTF8.GetBytes(value ?? "");
        return entries;
    }

    public static string Text(byte[] value) => Encoding.UTF8.GetString(value);
}
