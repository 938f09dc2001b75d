namespace MiniKube.Sup.Spec;

/// <summary>Collects the errors of one object; each is located at its field or, if the field is not in the file
/// (missing or defaulted), at the closest enclosing field that is.</summary>
internal sealed class ValidationScope
{
    private readonly List<ManifestError> _errors;

    public ValidationScope(ParsedDocument document, ManifestLoadOptions options, List<ManifestError> errors)
    {
        Document = document;
        Options = options;
        _errors = errors;
    }

    public ParsedDocument Document { get; }

    public ManifestLoadOptions Options { get; }

    public void Add(string path, string message) => _errors.Add(Document.Error(path, message));

    /// <summary>value ≥ 1 (Kubernetes' "must be greater than zero").</summary>
    public void Positive(string path, long? value)
    {
        if (value is < 1)
        {
            Add(path, "must be greater than zero");
        }
    }

    /// <summary>value ≥ 0.</summary>
    public void NonNegative(string path, long? value)
    {
        if (value is < 0)
        {
            Add(path, "must be greater than or equal to 0");
        }
    }

    /// <summary>An enum-like string field: null is fine (unset), anything else must be one of <paramref name="allowed"/>.</summary>
    public void OneOf(string path, string? value, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add(path, $"unsupported value \"{value}\": allowed {Quote(allowed)}");
        }
    }

    public static string Quote(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
