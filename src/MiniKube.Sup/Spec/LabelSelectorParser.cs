using System.Globalization;
using System.Text;
namespace MiniKube.Sup.Spec;

/// <summary>
/// The labelSelector query parameter, read as the API server reads it (k8s.io/apimachinery labels.Parse): requirements
/// separated by commas, each <c>key</c>, <c>!key</c>, <c>key=v</c>, <c>key==v</c>, <c>key!=v</c>, <c>key in (v1,v2)</c>,
/// <c>key notin (v1,v2)</c>, <c>key&gt;n</c> or <c>key&lt;n</c>; keys are qualified names and values label values.
/// Anything else throws <see cref="FormatException"/> saying what was found where (the API answers 400).
/// </summary>
public static class LabelSelectorParser
{
    private static readonly IReadOnlySet<string> NoValues = LabelSelector.Set([]);

    public static LabelSelector Parse(string? selector)
    {
        var requirements = new List<LabelRequirement>();
        if (string.IsNullOrWhiteSpace(selector)) return LabelSelector.Everything;
        var tokens = new Tokens(selector);
        while (true)
        {
            requirements.Add(Requirement(tokens));
            var next = tokens.Next();
            if (next.Kind == Kind.End) return LabelSelector.Of(requirements);
            if (next.Kind != Kind.Comma) throw tokens.Error(next, "',' or the end of the selector");
        }
    }

    private static LabelRequirement Requirement(Tokens tokens)
    {
        var first = tokens.Next();
        if (first.Kind == Kind.Not) return new LabelRequirement(Key(tokens, tokens.Next()), LabelOperator.DoesNotExist, NoValues);
        var key = Key(tokens, first);
        var op = tokens.Peek();
        switch (op.Kind)
        {
            case Kind.End or Kind.Comma:
                return new LabelRequirement(key, LabelOperator.Exists, NoValues);
            case Kind.Equals or Kind.DoubleEquals or Kind.NotEquals:
                tokens.Next();
                var value = LabelSelector.Set([ExactValue(tokens)]);
                return new LabelRequirement(key, op.Kind == Kind.NotEquals ? LabelOperator.NotIn : LabelOperator.In, value);
            case Kind.In or Kind.NotIn:
                tokens.Next();
                var set = Values(tokens, op.Text);
                return new LabelRequirement(key, op.Kind == Kind.In ? LabelOperator.In : LabelOperator.NotIn, set);
            case Kind.Greater or Kind.Less:
                tokens.Next();
                var number = tokens.Next();
                if (number.Kind != Kind.Identifier || !long.TryParse(number.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
                    throw tokens.Error(number, "an integer");
                return new LabelRequirement(key, op.Kind == Kind.Greater ? LabelOperator.GreaterThan : LabelOperator.LessThan, NoValues, bound);
            default:
                throw tokens.Error(op, "=, ==, !=, in, notin, >, <, ',' or the end of the selector");
        }
    }

    private static string Key(Tokens tokens, Token token)
    {
        if (token.Kind != Kind.Identifier) throw tokens.Error(token, "a label key");
        if (NameRules.QualifiedName(token.Text) is { } problem) throw new FormatException($"invalid label key \"{token.Text}\": {problem}");
        return token.Text;
    }

    /// <summary>The value after =, == or !=; it may be empty (<c>tier=</c> selects a tier label that is "").</summary>
    private static string ExactValue(Tokens tokens)
    {
        var token = tokens.Peek();
        if (token.Kind is Kind.End or Kind.Comma) return "";
        tokens.Next();
        return LabelValue(tokens, token);
    }

    /// <summary>( v1, v2, ... ): an empty value where two commas meet or in (), as k8s reads them.</summary>
    private static HashSet<string> Values(Tokens tokens, string op)
    {
        var open = tokens.Next();
        if (open.Kind != Kind.Open) throw tokens.Error(open, $"'(' after {op}");
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var token = tokens.Next();
            var value = "";
            if (token.Kind == Kind.Identifier)
            {
                value = LabelValue(tokens, token);
                token = tokens.Next();
            }
            if (token.Kind is not (Kind.Comma or Kind.Close)) throw tokens.Error(token, "a label value, ',' or ')'");
            values.Add(value);
            if (token.Kind == Kind.Close) return values;
        }
    }

    private static string LabelValue(Tokens tokens, Token token)
    {
        if (token.Kind != Kind.Identifier) throw tokens.Error(token, "a label value");
        if (NameRules.LabelValue(token.Text) is { } problem) throw new FormatException($"invalid label value \"{token.Text}\": {problem}");
        return token.Text;
    }

    private enum Kind { End, Identifier, Comma, Not, Equals, DoubleEquals, NotEquals, In, NotIn, Greater, Less, Open, Close }

    private readonly record struct Token(Kind Kind, string Text, int At);

    /// <summary>k8s' lexer: the symbols = == != ! ( ) , &gt; &lt; stand alone, whitespace separates, everything else is
    /// an identifier (in and notin are keywords).</summary>
    private sealed class Tokens(string text)
    {
        private int _at;
        private Token? _peeked;

        public Token Peek() => _peeked ??= Read();

        public Token Next()
        {
            var token = Peek();
            _peeked = null;
            return token;
        }

        public FormatException Error(Token found, string expected) => new(
            $"unable to parse requirement: found {(found.Kind == Kind.End ? "the end of the selector" : $"'{found.Text}'")} at position {found.At + 1} of \"{text}\", expected {expected}");

        private Token Read()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
            var start = _at;
            if (_at == text.Length) return new Token(Kind.End, "", start);
            switch (text[_at])
            {
                case ',': _at++; return new Token(Kind.Comma, ",", start);
                case '(': _at++; return new Token(Kind.Open, "(", start);
                case ')': _at++; return new Token(Kind.Close, ")", start);
                case '>': _at++; return new Token(Kind.Greater, ">", start);
                case '<': _at++; return new Token(Kind.Less, "<", start);
                case '=':
                    _at++;
                    if (_at < text.Length && text[_at] == '=') { _at++; return new Token(Kind.DoubleEquals, "==", start); }
                    return new Token(Kind.Equals, "=", start);
                case '!':
                    _at++;
                    if (_at < text.Length && text[_at] == '=') { _at++; return new Token(Kind.NotEquals, "!=", start); }
                    return new Token(Kind.Not, "!", start);
            }
            var identifier = new StringBuilder();
            while (_at < text.Length && !char.IsWhiteSpace(text[_at]) && ",()<>=!".IndexOf(text[_at]) < 0) identifier.Append(text[_at++]);
            var word = identifier.ToString();
            return word switch
            {
                "in" => new Token(Kind.In, word, start),
                "notin" => new Token(Kind.NotIn, word, start),
                _ => new Token(Kind.Identifier, word, start),
            };
        }
    }
}
