namespace MiniKube.Sup.Spec;

/// <summary>
/// One problem in a manifest: where it is (file, 1-based line and column; line 0 = the whole file),
/// which object (<c>Deployment/web</c>, null when unknown), which field
/// (<c>spec.template.spec.containers[0].livenessProbe.periodSeconds</c>, empty for the whole object) and what is allowed.
/// </summary>
public sealed record ManifestError(string File, int Line, int Column, string? ObjectRef, string FieldPath, string Message)
{
    /// <summary><c>Pod/web: spec.containers[0].name: message</c>: where in the object, not where in a file (for an
    /// API client, whose request body has no file); control characters escaped.</summary>
    public string InObject() => Printing.ControlCharacters.Escape(string.Join(": ", new[] { ObjectRef, FieldPath, Message }.Where(s => !string.IsNullOrEmpty(s))));

    /// <summary><c>FILE:LINE:COL: Pod/web: spec.containers[0].name: message</c>; the position is left out when Line is 0;
    /// control characters are escaped.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(File);
        if (Line > 0)
        {
            text.Append(':').Append(Line).Append(':').Append(Column);
        }

        text.Append(": ");
        if (!string.IsNullOrEmpty(ObjectRef))
        {
            text.Append(ObjectRef).Append(": ");
        }

        if (!string.IsNullOrEmpty(FieldPath))
        {
            text.Append(FieldPath).Append(": ");
        }

        // A file name, name or value may hold control characters: escaped, the line stays one line and cannot drive
        // the terminal (k8s quotes values in field errors with %q).
        return Printing.ControlCharacters.Escape(text.Append(Message).ToString());
    }
}
