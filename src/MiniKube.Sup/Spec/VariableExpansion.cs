using System.Text;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion): $(NAME) becomes the value of NAME when
/// it is defined and stays as written when not; $$ is an escaped $, so $$(NAME) yields the literal $(NAME);
/// any other $ is kept.
/// </summary>
public static class VariableExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$')) return input;
        var result = new StringBuilder(input.Length);
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length) continue;
            result.Append(input, checkpoint, cursor - checkpoint);
            var next = input[cursor + 1];
            int advance;
            if (next == '$')
            {
                result.Append('$');
                advance = 1;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', cursor + 2);
                if (close < 0)
                {
                    result.Append("$(");
                    advance = 1;
                }
                else
                {
                    var name = input.Substring(cursor + 2, close - cursor - 2);
                    result.Append(lookup(name) ?? $"$({name})");
                    advance = close - cursor;
                }
            }
            else
            {
                result.Append('$').Append(next);
                advance = 1;
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        result.Append(input, checkpoint, input.Length - checkpoint);
        return result.ToString();
    }
}
