using System.Runtime.InteropServices;
using System.Text;

namespace MiniKube.Sup.Client.Terminal;

/// <summary>
/// A whole-screen view such as <c>sup top</c>, as top(1) draws one: the terminal's alternate screen, the cursor
/// hidden, single keys (<see cref="TerminalKeys"/>). <see cref="Dispose"/> gives the terminal back exactly as it was
/// (the main screen with what it showed, the cursor, the modes); so do SIGTERM and SIGHUP, which end the view through
/// <see cref="Stopped"/> instead of killing the process (Ctrl+C does the same through the caller's handler).
/// </summary>
public sealed class FullScreen : IDisposable
{
    private const string Enter = "\e[?1049h\e[?25l", Leave = "\e[?25h\e[?1049l";

    private readonly TextWriter _out;
    private readonly CancellationTokenSource _stopped = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly TerminalKeys? _keys;
    private int _left;

    private FullScreen(TextWriter output)
    {
        _out = output;
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _stopped.Cancel();
            }));
        _out.Write(Enter);
        _keys = TerminalKeys.Enter();
    }

    public static FullScreen Open(TextWriter output) => new(output);

    /// <summary>Cancelled by SIGTERM or SIGHUP.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Keys typed, null when stdin is not this terminal.</summary>
    public TerminalKeys? Keys => _keys;

    /// <summary>Draws <paramref name="lines"/> from the top left, each cut to the width, as many as fit.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        var (columns, rows) = TerminalScreen.Size();
        var text = new StringBuilder("\e[H");
        for (var i = 0; i < Math.Min(lines.Count, rows - 1); i++)
        {
            var line = lines[i];
            text.Append(line.Length < columns ? line : line[..Math.Max(0, columns - 1)]).Append("\e[K\n");
        }
        text.Append("\e[J");
        _out.Write(text.ToString());
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) == 1) return;
        _keys?.Dispose();
        _out.Write(Leave);
        foreach (var signal in _signals) signal.Dispose();
        _stopped.Dispose();
    }
}
