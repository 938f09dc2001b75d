using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// The environment a container takes from ConfigMaps and Secrets (kubelet makeEnvironmentVariables):
/// <c>envFrom</c> entries, then <c>valueFrom.configMapKeyRef</c> / <c>secretKeyRef</c>. A missing object or key
/// that is not optional throws <see cref="ContainerConfigException"/> with the kubelet's message.
/// </summary>
public static class EnvSources
{
    /// <summary>Every envFrom source in order, a later source overriding an earlier one; keys get the source's
    /// prefix. Keys that cannot be an environment variable (empty, or containing '=') are skipped.</summary>
    public static List<KeyValuePair<string, string>> FromEnvFrom(V1Container container, IConfigSource config)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var source in container.EnvFrom ?? [])
        {
            Dictionary<string, byte[]>? entries = null;
            if (source.ConfigMapRef is { } cm)
            {
                if (config.GetConfigMap(cm.Name) is { } found) entries = ConfigData.Of(found);
                else if (cm.Optional != true) throw NotFound("configmap", cm.Name);
            }
            else if (source.SecretRef is { } s)
            {
                if (config.GetSecret(s.Name) is { } found) entries = ConfigData.Of(found);
                else if (s.Optional != true) throw NotFound("secret", s.Name);
            }
            foreach (var (key, value) in (entries ?? []).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var name = (source.Prefix ?? "") + key;
                if (name.Length == 0 || name.Contains('=')) continue;
                result.Add(new(name, ConfigData.Text(value)));
            }
        }
        return result;
    }

    /// <summary>The value of a configMapKeyRef or secretKeyRef; null when the reference is optional and the
    /// object or key is missing (k8s: the variable is then not set).</summary>
    public static string? KeyRef(V1EnvVarSource source, IConfigSource config)
    {
        if (source.ConfigMapKeyRef is { } cm)
        {
            var optional = cm.Optional == true;
            if (config.GetConfigMap(cm.Name) is not { } found) return optional ? null : throw NotFound("configmap", cm.Name);
            if (ConfigData.Of(found).TryGetValue(cm.Key, out var value)) return ConfigData.Text(value);
            return optional ? null : throw new ContainerConfigException($"couldn't find key {cm.Key} in ConfigMap default/{cm.Name}");
        }
        if (source.SecretKeyRef is { } s)
        {
            var optional = s.Optional == true;
            if (config.GetSecret(s.Name) is not { } found) return optional ? null : throw NotFound("secret", s.Name);
            if (ConfigData.Of(found).TryGetValue(s.Key, out var value)) return ConfigData.Text(value);
            return optional ? null : throw new ContainerConfigException($"couldn't find key {s.Key} in Secret default/{s.Name}");
        }
        return null;
    }

    // k8s: the kubelet's configmap/secret managers answer a NotFound error: `configmap "x" not found`.
    private static ContainerConfigException NotFound(string kind, string name) => new($"{kind} \"{name}\" not found");
}
