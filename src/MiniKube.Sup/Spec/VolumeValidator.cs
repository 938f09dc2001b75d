using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Checks of a pod's volumes and of how its containers use volumes, ConfigMaps and Secrets (k8s
/// ValidateVolumes / validateVolumeMounts / validateEnvFrom, limited to what one host supports).
/// </summary>
internal static class VolumeValidator
{
    public static readonly string[] SupportedSources = ["emptyDir", "hostPath", "persistentVolumeClaim", "configMap", "secret", "downwardAPI", "projected"];

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

        if (volume.DownwardAPI is { } downward)
        {
            Mode(scope, path.Dot("downwardAPI").Dot("defaultMode"), downward.DefaultMode);
            DownwardItems(scope, downward.Items, path.Dot("downwardAPI").Dot("items"));
        }

        if (volume.Projected is { } projected)
        {
            Mode(scope, path.Dot("projected").Dot("defaultMode"), projected.DefaultMode);
            for (var i = 0; i < (projected.Sources?.Count ?? 0); i++)
                ProjectedSource(scope, projected.Sources![i], path.Dot("projected").Dot("sources").At(i));
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

    /// <summary>One source of a projected volume: a configMap, a secret, downwardAPI items or a service account token
    /// (k8s validateProjectionSources; the token is the pod's namespace's, which reads that namespace through the API).</summary>
    private static void ProjectedSource(ValidationScope scope, V1VolumeProjection source, string path)
    {
        var count = new object?[] { source.ConfigMap, source.Secret, source.DownwardAPI, source.ServiceAccountToken, source.ClusterTrustBundle, source.PodCertificate }.Count(s => s is not null);
        if (count != 1)
        {
            scope.Add(path, $"needs exactly one of configMap, secret, downwardAPI or serviceAccountToken; found {count}");
        }

        if (source.ServiceAccountToken is { } token)
        {
            Required(scope, path.Dot("serviceAccountToken").Dot("path"), token.Path, "the file the token is written to");
            if (token.ExpirationSeconds is { } seconds and < 600)
            {
                scope.Add(path.Dot("serviceAccountToken").Dot("expirationSeconds"), $"may not specify a duration less than 10 minutes ({seconds} s)");
            }
        }

        if (source.ClusterTrustBundle is not null)
        {
            scope.Add(path.Dot("clusterTrustBundle"), "cannot be honoured on one host; supported sources: configMap, secret, downwardAPI, serviceAccountToken");
        }

        if (source.PodCertificate is not null)
        {
            scope.Add(path.Dot("podCertificate"), "cannot be honoured on one host; supported sources: configMap, secret, downwardAPI, serviceAccountToken");
        }

        if (source.ConfigMap is { } configMap)
        {
            Required(scope, path.Dot("configMap").Dot("name"), configMap.Name, "the name of a ConfigMap");
            Items(scope, configMap.Items, path.Dot("configMap").Dot("items"));
        }

        if (source.Secret is { } secret)
        {
            Required(scope, path.Dot("secret").Dot("name"), secret.Name, "the name of a Secret");
            Items(scope, secret.Items, path.Dot("secret").Dot("items"));
        }

        if (source.DownwardAPI is { } downward)
        {
            DownwardItems(scope, downward.Items, path.Dot("downwardAPI").Dot("items"));
        }
    }

    /// <summary>k8s validateDownwardAPIVolumeFile: a relative path, and exactly one of a pod field (metadata.*) or
    /// a named container's resource.</summary>
    private static void DownwardItems(ValidationScope scope, IList<V1DownwardAPIVolumeFile>? items, string path)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i];
            var itemPath = path.At(i);
            if (string.IsNullOrEmpty(item.Path))
            {
                scope.Add(itemPath.Dot("path"), "required: the file's path, relative to the volume");
            }
            else if (DescendingPathProblem(item.Path) is { } problem)
            {
                scope.Add(itemPath.Dot("path"), problem);
            }

            Mode(scope, itemPath.Dot("mode"), item.Mode);
            if ((item.FieldRef is null) == (item.ResourceFieldRef is null))
            {
                scope.Add(itemPath, "needs exactly one of fieldRef or resourceFieldRef");
            }

            if (item.FieldRef is { } field && !DownwardApiFields.IsVolumeField(field.FieldPath ?? ""))
            {
                scope.Add(itemPath.Dot("fieldRef").Dot("fieldPath"), $"unsupported value \"{field.FieldPath}\": a volume may hold metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations, metadata.labels['KEY'] or metadata.annotations['KEY']");
            }

            if (item.ResourceFieldRef is { } resource)
            {
                Required(scope, itemPath.Dot("resourceFieldRef").Dot("containerName"), resource.ContainerName, "the container whose resource the file holds");
                scope.OneOf(itemPath.Dot("resourceFieldRef").Dot("resource"), resource.Resource,
                    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage");
            }
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
