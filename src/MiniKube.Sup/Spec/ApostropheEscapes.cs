using System.Text;
using YamlDotNet.Core;

namespace MiniKube.Sup.Spec;

/// <summary>
/// <c>\'</c> in a double-quoted YAML scalar: not an escape of YAML 1.2, but one the YAML parser kubectl uses
/// (go-yaml) reads as an apostrophe, so manifests written for kubectl have it. Where YamlDotNet stops at such an
/// escape, the scalar it stopped in gets plain apostrophes and the text is read again; nothing else is touched (a
/// block scalar's or a single-quoted scalar's <c>\'</c> is text and stays).
/// </summary>
internal static class ApostropheEscapes
{
    /// <returns>the text with the failing scalar's <c>\'</c> escapes replaced, or null when the failure is another
    /// one</returns>
    public static string? Unescape(string text, YamlException e)
    {
        if (!e.Message.Contains("unknown escape character", StringComparison.Ordinal)) return null;
        var start = (int)e.Start.Index;
        if (start < 0 || start >= text.Length || text[start] != '"') return null;
        var result = new StringBuilder(text.Length);
        result.Append(text, 0, start + 1);
        var replaced = false;
        var i = start + 1;
        for (; i < text.Length && text[i] != '"'; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
                continue;
            }
            if (text[i + 1] == '\'') replaced = true;
            else result.Append('\\');
            result.Append(text[++i]);
        }
        return replaced ? result.Append(text, i, text.Length - i).ToString() : null;
    }
}
