using System.Globalization;
using System.Text;

namespace MiniKube.Sup.Printing;

/// <summary>
/// Makes names and values safe to print on a terminal. A control character (ESC, BEL, NUL, CR, newline, the C1
/// range), an invisible format character (a right-to-left override reorders what follows on screen), a line
/// separator or a lone surrogate is shown as the escape Go's <c>%q</c> uses — <c>\x1b</c>, <c>\a</c>, <c>\x00</c>,
/// <c>\n</c>, <c>\u009b</c>, <c>\u202e</c> — which is how the API server quotes values in its errors
/// (<c>field.Invalid</c>). Everything else, backslashes included, is left as it is: this is for display only, and
/// escaping twice changes nothing. Used wherever sup prints a name or value in a table or an error.
/// </summary>
public static class ControlCharacters
{
    /// <summary>The text with every control character escaped: one line, whatever it held.</summary>
    public static string Escape(string? text) => Escape(text, keepLineBreaks: false);

    /// <summary>The same, but line breaks stay: for messages made of lines, each already one error.</summary>
    public static string EscapeKeepingLines(string? text) => Escape(text, keepLineBreaks: true);

    private static string Escape(string? text, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var first = FirstToEscape(text, keepLineBreaks);
        if (first < 0) return text;
        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && char.IsSurrogatePair(text, i))
            {
                escaped.Append(c).Append(text[++i]);
            }
            else if (NeedsEscape(c) && !(keepLineBreaks && c == '\n'))
            {
                escaped.Append(c switch
                {
                    '\a' => @"\a",
                    '\b' => @"\b",
                    '\f' => @"\f",
                    '\n' => @"\n",
                    '\r' => @"\r",
                    '\t' => @"\t",
                    '\v' => @"\v",
                    < '\x80' => @"\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                    _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    private static int FirstToEscape(string text, bool keepLineBreaks)
    {
        // Printable ASCII, the usual case, is skipped at vector speed; only what follows is looked at closely.
        var start = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (start < 0) return -1;
        for (var i = start; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsSurrogatePair(text, i)) { i++; continue; }
            if (NeedsEscape(text[i]) && !(keepLineBreaks && text[i] == '\n')) return i;
        }
        return -1;
    }

    private static bool NeedsEscape(char c) => c < '\x7f'
        ? c < ' '
        : char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
