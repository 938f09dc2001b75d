using System.Text;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>Console.Out (or Console.Error) while the live view is on: what is written is passed to the
/// <see cref="LiveScreen"/> a whole line at a time (the daemon's log lines, a message of --exit-with).</summary>
internal sealed class LiveScreenWriter(LiveScreen screen, Encoding encoding, bool isError) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => encoding;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                var text = _line.ToString().TrimEnd('\r');
                _line.Clear();
                screen.WriteLine(text, isError: isError);
            }
            else _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_line)
        {
            var start = 0;
            for (int newline; (newline = value.IndexOf('\n', start)) >= 0; start = newline + 1)
            {
                _line.Append(value, start, newline - start);
                var text = _line.ToString().TrimEnd('\r');
                _line.Clear();
                screen.WriteLine(text, isError: isError);
            }
            _line.Append(value, start, value.Length - start);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    /// <summary>A partial line is printed as a line of its own when the view ends.</summary>
    public override void Flush()
    {
    }

    public void FlushPartial()
    {
        lock (_line)
        {
            if (_line.Length == 0) return;
            screen.WriteLine(_line.ToString(), isError: isError);
            _line.Clear();
        }
    }
}
