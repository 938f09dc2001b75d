using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Checks of a pod's volumes and of how its containers use volumes, ConfigMaps and Secrets (k8s
/// ValidateVolumes / validateVolumeMounts / validateEnvFrom, limited to what one host supports).
/// </summary>
internal static class VolumeValidator
{
    public static readonly string[] SupportedSources = ["emptyDir", "hostPath", "persistentVolumeClaim", "configMap", "secret"];

    private const int MaxMode = 511; // 0777

    public static void ValidateSource(ValidationScope scope, V1Volume volume, string path)
    {
        var sources = new List<string>();
        foreach (var (name, property) in SchemaWalker.PropertiesOf(typeof(V1Volume)))
        {
            if (name != "name" && property.Get?.Invoke(volume) is not null)
            {
                sources.Add(name);
            }
        }

        if (sources.Count > 1)
        {
            scope.Add(path, $"may not specify more than one volume source; found {ValidationScope.Quote(sources)}");
        }

        foreach (var source in sources.Where(s => !SupportedSources.Contains(s)))
        {
            scope.Add(path.Dot(source), $"{source} volumes cannot be honoured on one host; supported: {string.Join(", ", SupportedSources)}");
        }

        if (volume.ConfigMap is { } configMap)
        {
            var sourcePath = path.Dot("configMap");
            if (string.IsNullOrEmpty(configMap.Name))
            {
                scope.Add(sourcePath.Dot("name"), "required: the name of a ConfigMap");
            }

            Mode(scope, sourcePath.Dot("defaultMode"), configMap.DefaultMode);
            Items(scope, configMap.Items, sourcePath.Dot("items"));
        }

        if (volume.Secret is { } secret)
        {
            var sourcePath = path.Dot("secret");
            if (string.IsNullOrEmpty(secret.SecretName))
            {
                scope.Add(sourcePath.Dot("secretName"), "required: the name of a Secret");
            }

            Mode(scope, sourcePath.Dot("defaultMode"), secret.DefaultMode);
            Items(scope, secret.Items, sourcePath.Dot("items"));
        }
    }

    public static void ValidateEnvFrom(ValidationScope scope, V1Container container, string path)
    {
        for (var i = 0; i < (container.EnvFrom?.Count ?? 0); i++)
        {
            var source = container.EnvFrom![i];
            var sourcePath = path.At(i);
            if (source.ConfigMapRef is not null && source.SecretRef is not null)
            {
                scope.Add(sourcePath, "may not have more than one field specified at a time: configMapRef or secretRef");
            }
            else if (source.ConfigMapRef is null && source.SecretRef is null)
            {
                scope.Add(sourcePath, "must specify one of: configMapRef or secretRef");
            }

            if (source.ConfigMapRef is { Name: null or "" })
            {
                scope.Add(sourcePath.Dot("configMapRef").Dot("name"), "required: the name of a ConfigMap");
            }

            if (source.SecretRef is { Name: null or "" })
            {
                scope.Add(sourcePath.Dot("secretRef").Dot("name"), "required: the name of a Secret");
            }
        }
    }

    public static void ValidateKeyRef(ValidationScope scope, V1EnvVarSource source, string path)
    {
        if (source.ConfigMapKeyRef is { } configMap)
        {
            Required(scope, path.Dot("configMapKeyRef").Dot("name"), configMap.Name, "the name of a ConfigMap");
            Required(scope, path.Dot("configMapKeyRef").Dot("key"), configMap.Key, "the key in the ConfigMap's data");
        }

        if (source.SecretKeyRef is { } secret)
        {
            Required(scope, path.Dot("secretKeyRef").Dot("name"), secret.Name, "the name of a Secret");
            Required(scope, path.Dot("secretKeyRef").Dot("key"), secret.Key, "the key in the Secret's data");
        }
    }

    /// <summary>mountPath unique in the container; subPath a relative path inside the volume.</summary>
    public static void ValidateMountPaths(ValidationScope scope, V1Container container, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (container.VolumeMounts?.Count ?? 0); i++)
        {
            var mount = container.VolumeMounts![i];
            if (!string.IsNullOrEmpty(mount.MountPath) && !seen.Add(mount.MountPath))
            {
                scope.Add(path.At(i).Dot("mountPath"), $"duplicate mountPath \"{mount.MountPath}\": must be unique in the container");
            }

            if (!string.IsNullOrEmpty(mount.SubPath) && DescendingPathProblem(mount.SubPath) is { } problem)
            {
                scope.Add(path.At(i).Dot("subPath"), problem);
            }
        }
    }

    private static void Items(ValidationScope scope, IList<V1KeyToPath>? items, string path)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i];
            var itemPath = path.At(i);
            Required(scope, itemPath.Dot("key"), item.Key, "the key whose value the file holds");
            if (string.IsNullOrEmpty(item.Path))
            {
                scope.Add(itemPath.Dot("path"), "required: the file's path, relative to the volume");
            }
            else if (DescendingPathProblem(item.Path) is { } problem)
            {
                scope.Add(itemPath.Dot("path"), problem);
            }

            Mode(scope, itemPath.Dot("mode"), item.Mode);
        }
    }

    // k8s validateLocalDescendingPath.
    private static string? DescendingPathProblem(string value)
    {
        if (value.StartsWith('/'))
        {
            return $"must be a relative path, got \"{value}\"";
        }

        return value.Split('/').Contains("..") ? $"must not contain '..', got \"{value}\"" : null;
    }

    private static void Mode(ValidationScope scope, string path, int? mode)
    {
        if (mode is < 0 or > MaxMode)
        {
            scope.Add(path, "must be a number between 0 and 0777 (octal), both inclusive");
        }
    }

    private static void Required(ValidationScope scope, string path, string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            scope.Add(path, $"required: {what}");
        }
    }
}
