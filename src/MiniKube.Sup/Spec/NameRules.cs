using System.Text.RegularExpressions;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Kubernetes' name and key formats (<c>apimachinery/pkg/util/validation</c>). Each check returns null when the
/// value is valid, else a message that says what is allowed, worded as Kubernetes words it. The patterns end in
/// <c>\z</c>: Go's <c>$</c> is the end of the text, .NET's also matches before a final newline.
/// </summary>
internal static partial class NameRules
{
    public static string? Dns1123Label(string value)
    {
        if (value.Length > 63)
        {
            return "must be no more than 63 characters";
        }

        return Dns1123LabelRegex().IsMatch(value)
            ? null
            : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
    }

    public static string? Dns1123Subdomain(string value)
    {
        if (value.Length > 253)
        {
            return "must be no more than 253 characters";
        }

        return Dns1123SubdomainRegex().IsMatch(value)
            ? null
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
    }

    public static string? Dns1035Label(string value)
    {
        if (value.Length > 63)
        {
            return "must be no more than 63 characters";
        }

        return Dns1035LabelRegex().IsMatch(value)
            ? null
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')";
    }

    /// <summary>IANA_SVC_NAME, the format of named ports.</summary>
    public static string? IanaServiceName(string value)
    {
        if (value.Length > 15)
        {
            return "a port name must be no more than 15 characters";
        }

        if (!IanaRegex().IsMatch(value))
        {
            return "a port name must contain only lower case alphanumeric characters and '-', and start and end with an alphanumeric character (e.g. 'http')";
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            return "a port name must not contain consecutive hyphens";
        }

        return value.Any(char.IsAsciiLetter) ? null : "a port name must contain at least one letter (e.g. 'http')";
    }

    /// <summary>Label and annotation keys: an optional DNS subdomain prefix and '/', then a name of up to 63 characters.</summary>
    public static string? QualifiedName(string value)
    {
        var name = value;
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            var prefix = value[..slash];
            name = value[(slash + 1)..];
            if (prefix.Length == 0 || Dns1123Subdomain(prefix) is not null)
            {
                return "the prefix before '/' must be a DNS subdomain (e.g. 'example.com/my-key')";
            }
        }

        if (name.Length is 0 or > 63 || !QualifiedNameRegex().IsMatch(name))
        {
            return "a name must be 63 characters or less, consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character (e.g. 'app.kubernetes.io/name' or 'tier')";
        }

        return null;
    }

    public static string? LabelValue(string value)
    {
        if (value.Length > 63)
        {
            return "a label value must be no more than 63 characters";
        }

        return value.Length == 0 || QualifiedNameRegex().IsMatch(value)
            ? null
            : "a label value must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character";
    }

    /// <summary>ConfigMap and Secret data keys.</summary>
    public static string? ConfigKey(string value)
    {
        if (value.Length > 253)
        {
            return "must be no more than 253 characters";
        }

        return ConfigKeyRegex().IsMatch(value) && value is not ("." or "..")
            ? null
            : "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name')";
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z")]
    private static partial Regex IanaRegex();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z")]
    private static partial Regex ConfigKeyRegex();

    /// <summary>k8s path.IsValidPathSegmentName: any name but "." and "..", without '/' or '%' (it is a path segment).</summary>
    public static string? PathSegmentName(string name) =>
        name is "." or ".." ? "may not be '.' or '..'"
        : name.IndexOfAny(['/', '%']) >= 0 ? "may not contain '/' or '%'"
        : null;
}
