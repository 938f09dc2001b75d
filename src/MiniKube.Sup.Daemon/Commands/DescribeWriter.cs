using System.Text;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's PrefixWriter: each line is written as pkg/describe writes it, levels as two spaces
/// each and tabs between cells, and <see cref="ToString"/> aligns it as Go's tabwriter does
/// (<see cref="GoTabWriter"/>). Control characters are escaped by the caller, over the whole text.</summary>
internal sealed class DescribeWriter
{
    // k8s: maxAnnotationLen; an annotation longer than this, or of several lines, is shown below its key.
    private const int MaxAnnotationLength = 140;

    private readonly StringBuilder _text = new();

    public DescribeWriter Write(int level, string line)
    {
        _text.Append(' ', 2 * level).Append(line);
        return this;
    }

    /// <summary>printLabelsMultiline: key=value sorted by key, one a line under the first; &lt;none&gt; when empty.</summary>
    public DescribeWriter Labels(string title, IDictionary<string, string>? labels)
    {
        _text.Append(title).Append(":\t");
        if (labels is not { Count: > 0 }) return Write(0, "<none>\n");
        var first = true;
        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!first) _text.Append('\t');
            first = false;
            _text.Append(key).Append('=').Append(value).Append('\n');
        }
        return this;
    }

    /// <summary>printAnnotationsMultiline: "key: value" sorted by key, kubectl's last-applied-configuration left out.</summary>
    public DescribeWriter Annotations(string title, IDictionary<string, string>? annotations)
    {
        _text.Append(title).Append(":\t");
        var keys = (annotations ?? new Dictionary<string, string>()).Keys
            .Where(k => k != "kubectl.kubernetes.io/last-applied-configuration").Order(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return Write(0, "<none>\n");
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0) _text.Append('\t');
            var raw = annotations![keys[i]];
            var value = raw.EndsWith('\n') ? raw[..^1] : raw; // strings.TrimSuffix(value, "\n")
            if (value.Length + keys[i].Length + 2 > MaxAnnotationLength || value.Contains('\n'))
            {
                _text.Append(keys[i]).Append(":\n");
                foreach (var part in value.Split('\n'))
                    _text.Append("\t  ").Append(part.Length > MaxAnnotationLength - 2 ? part[..(MaxAnnotationLength - 2)] + "..." : part).Append('\n');
            }
            else _text.Append(keys[i]).Append(": ").Append(value).Append('\n');
        }
        return this;
    }

    public override string ToString() => GoTabWriter.Format(_text.ToString());
}
