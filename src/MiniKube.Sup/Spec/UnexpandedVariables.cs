using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Every <c>$(NAME)</c> in a container's command, args or env values that will stay as written, said as a warning at
/// its place: Kubernetes expands only what the container declares (its <c>env</c> entries, an env value only from
/// those before it, and the keys of the ConfigMaps and Secrets its <c>envFrom</c> names), never the environment a
/// process would inherit. A container whose <c>envFrom</c> names an object the manifests do not hold is left alone
/// (its keys cannot be known before it runs). A shell's command substitution (<c>$(date)</c>) is not a variable and is
/// not warned about.
/// </summary>
internal static class UnexpandedVariables
{
    /// <summary>Variables sup puts in a host process's environment that a manifest often expects to expand, and the
    /// declaration that makes them expand everywhere.</summary>
    private static readonly Dictionary<string, string> Declarations = new(StringComparer.Ordinal)
    {
        ["POD_IP"] = "valueFrom.fieldRef.fieldPath: status.podIP",
        ["POD_NAME"] = "valueFrom.fieldRef.fieldPath: metadata.name",
        ["POD_NAMESPACE"] = "valueFrom.fieldRef.fieldPath: metadata.namespace",
        ["HOSTNAME"] = "valueFrom.fieldRef.fieldPath: metadata.name",
        ["NODE_NAME"] = "valueFrom.fieldRef.fieldPath: spec.nodeName",
    };

    public static IEnumerable<ManifestError> Find(IReadOnlyList<ParsedDocument> documents)
    {
        var keys = KeysOf(documents);
        foreach (var document in documents)
        {
            if (PodTemplate.Of(document.Model) is not var (_, spec, template) || spec is null) continue;
            var ns = document.Model.Metadata?.NamespaceProperty ?? "default";
            var path = template.Dot("spec");
            foreach (var (list, field) in new[] { (spec.InitContainers, "initContainers"), (spec.Containers, "containers") })
                for (var i = 0; i < (list?.Count ?? 0); i++)
                    foreach (var warning in InContainer(document, list![i], path.Dot(field).At(i), ns, keys))
                        yield return warning;
        }
    }

    private static IEnumerable<ManifestError> InContainer(ParsedDocument document, V1Container container, string path, string ns, Dictionary<(string, string, string), IReadOnlyCollection<string>> keys)
    {
        // sup declares VOLUME_<NAME> for each volume a container mounts (SPEC §3).
        var declared = new HashSet<string>((container.VolumeMounts ?? []).Select(m => VolumeVariables.NameOf(m.Name)), StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var (kind, name) = source.ConfigMapRef is { } c ? ("ConfigMap", c.Name) : source.SecretRef is { } s ? ("Secret", s.Name) : ("", null);
            if (name is null || !keys.TryGetValue((kind, ns, name), out var found)) yield break;
            foreach (var key in found) declared.Add((source.Prefix ?? "") + key);
        }
        var env = container.Env ?? [];
        for (var i = 0; i < env.Count; i++)
        {
            if (env[i].ValueFrom is null && env[i].Value is { } value)
                foreach (var name in Missing(value, declared))
                    yield return Warn(document, path.Dot("env").At(i).Dot("value"), name, "no env entry before it declares");
            if (env[i].Name is { } n) declared.Add(n);
        }
        foreach (var (values, field) in new[] { (container.Command, "command"), (container.Args, "args") })
            for (var i = 0; i < (values?.Count ?? 0); i++)
                foreach (var name in Missing(values![i], declared))
                    yield return Warn(document, path.Dot(field).At(i), name, "the container's env does not declare");
    }

    private static ManifestError Warn(ParsedDocument document, string path, string name, string why) =>
        document.Error(path, $"$({name}) stays as written: {why} {name}, and Kubernetes expands only declared variables" +
            (Declarations.TryGetValue(name, out var declaration) ? $" (declare it: env name {name}, {declaration})" : ""));

    /// <summary>The names <paramref name="text"/> refers to that <paramref name="declared"/> lacks, as the
    /// expansion reads references (<c>$$(X)</c> is an escape, not a reference). Only names written as variables are:
    /// <c>$(date)</c> or <c>$(wc -l &lt; f)</c> in a shell script is a command substitution the expansion leaves
    /// for the shell, as meant.</summary>
    private static List<string> Missing(string text, HashSet<string> declared)
    {
        var missing = new List<string>();
        VariableExpansion.Expand(text, name =>
        {
            if (declared.Contains(name)) return "";
            if (LooksLikeVariable(name) && !missing.Contains(name)) missing.Add(name);
            return null;
        });
        return missing;
    }

    /// <summary>An identifier with a capital letter or an underscore (POD_IP, Protocol): not a command's name.</summary>
    private static bool LooksLikeVariable(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && name.Any(c => char.IsAsciiLetterUpper(c) || c == '_');

    /// <summary>The keys of the ConfigMaps and Secrets in the manifests, by kind, namespace and name.</summary>
    private static Dictionary<(string, string, string), IReadOnlyCollection<string>> KeysOf(IReadOnlyList<ParsedDocument> documents)
    {
        var keys = new Dictionary<(string, string, string), IReadOnlyCollection<string>>();
        foreach (var document in documents)
        {
            var ns = document.Model.Metadata?.NamespaceProperty ?? "default";
            switch (document.Model)
            {
                case V1ConfigMap map:
                    keys[("ConfigMap", ns, document.Name)] = [.. map.Data?.Keys ?? [], .. map.BinaryData?.Keys ?? []];
                    break;
                case V1Secret secret:
                    keys[("Secret", ns, document.Name)] = [.. secret.Data?.Keys ?? [], .. secret.StringData?.Keys ?? []];
                    break;
            }
        }
        return keys;
    }
}
