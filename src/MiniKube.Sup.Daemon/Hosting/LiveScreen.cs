using System.Text;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// The terminal while `sup run` shows its live view: every line of output (the containers', the daemon's) goes
/// through here, and a small table block is kept below the newest line. No scroll region, no alternate screen: to
/// print, the block is erased (cursor up over its lines, erase to the end of the screen), the lines are written as
/// plain lines (they stay in the scrollback), and the block is drawn again below them, each of its lines ending in a
/// newline. Whatever happens to the process, the terminal holds at worst a stale block and the cursor at the start
/// of a line: no mode is ever set.
/// Output can be paused (lines are held, at most <see cref="MaxHeld"/>, the oldest dropped and counted) and the
/// containers' lines filtered to one pod (the others are dropped here; `sup logs` has them all).
/// </summary>
internal sealed class LiveScreen(TextWriter output, TextWriter? error = null)
{
    public const int MaxHeld = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<(string Text, bool Error)> _held = new();
    private IReadOnlyList<string> _table = [];
    private int _drawn;
    private bool _closed, _suspended;

    /// <summary>Lines held while paused that did not fit in <see cref="MaxHeld"/>.</summary>
    public int Dropped { get; private set; }
    public bool Paused { get; private set; }
    public int Held { get { lock (_gate) return _held.Count; } }
    /// <summary>The one pod whose container lines are shown; null for all.</summary>
    public string? Filter { get; private set; }

    /// <summary>A whole line (without its newline) of the daemon's output, or of a container of <paramref name="pod"/>.</summary>
    public void WriteLine(string text, string? pod = null, bool isError = false)
    {
        lock (_gate)
        {
            if (pod is not null && Filter is not null && pod != Filter) return;
            if (Paused && !_closed)
            {
                _held.Enqueue((text, isError));
                while (_held.Count > MaxHeld)
                {
                    _held.Dequeue();
                    Dropped++;
                }
                return;
            }
            Print([(text, isError)], redraw: !_closed && !_suspended);
        }
    }

    /// <summary>Draws <paramref name="table"/> in place of the block on screen.</summary>
    public void Show(IReadOnlyList<string> table)
    {
        lock (_gate)
        {
            if (_closed) return;
            _table = table;
            if (!_suspended) Print([], redraw: true);
        }
    }

    public void SetPaused(bool paused)
    {
        lock (_gate)
        {
            if (Paused == paused) return;
            Paused = paused;
            if (!paused) Release();
        }
    }

    public void SetFilter(string? pod)
    {
        lock (_gate) Filter = pod;
    }

    /// <summary>Erases the block and draws none until <see cref="Resume"/> (Ctrl+Z: the shell gets a clean screen).</summary>
    public void Suspend()
    {
        lock (_gate)
        {
            _suspended = true;
            if (!_closed && _drawn > 0) Print([], redraw: false);
        }
    }

    public void Resume()
    {
        lock (_gate) _suspended = false;
    }

    /// <summary>Erases the block and prints what is held: from here on lines pass straight through. Idempotent.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            Paused = false;
            Filter = null;
            Release();
            if (_drawn > 0) Print([], redraw: false);
        }
    }

    private void Release()
    {
        var lines = _held.ToList();
        _held.Clear();
        if (Dropped > 0) lines.Insert(0, ($"sup: {Dropped} line(s) dropped while paused (sup logs has them)", false));
        Dropped = 0;
        if (lines.Count > 0 || !_closed) Print(lines, redraw: !_closed && !_suspended);
    }

    /// <summary>Erase the block, print the lines, draw the block again: one write per stream.</summary>
    private void Print(IReadOnlyList<(string Text, bool Error)> lines, bool redraw)
    {
        var text = new StringBuilder();
        if (_drawn > 0) text.Append($"\r\e[{_drawn}A\e[J");
        _drawn = 0;
        foreach (var (line, isError) in lines)
        {
            if (isError && error is not null)
            {
                output.Write(text.ToString());
                text.Clear();
                error.Write(line + "\n");
            }
            else text.Append(line).Append('\n');
        }
        if (redraw)
        {
            foreach (var row in _table) text.Append(row).Append('\n');
            _drawn = _table.Count;
        }
        if (text.Length > 0) output.Write(text.ToString());
    }
}
