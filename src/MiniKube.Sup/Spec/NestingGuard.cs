using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Refuses input nested deeper than any Kubernetes object needs, before anything recursive sees it: YamlDotNet's
/// representation model, the JSON conversion and the schema walk all recurse per level, and 100,000 nested
/// brackets would overflow the stack — which no catch can stop, so it would take the daemon down. The parser's
/// event stream is read iteratively, so counting depth on it is safe at any depth.
/// </summary>
internal static class NestingGuard
{
    /// <summary>Far above real manifests (a CronJob's deepest fields sit about 20 levels down).</summary>
    public const int MaxDepth = 64;

    /// <returns>null when the text is within the limit (or is not valid YAML: the real parse reports that);
    /// otherwise the error, located where the limit is crossed.</returns>
    public static ManifestError? Check(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart:
                        if (++depth > MaxDepth)
                        {
                            var at = parser.Current!.Start;
                            return new ManifestError(file, (int)at.Line, (int)at.Column, null, string.Empty,
                                $"nested deeper than {MaxDepth} levels; no Kubernetes object needs that many");
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException) { return null; }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException) { return null; }
        return null;
    }
}
