using System.Runtime.InteropServices;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using MiniKube.Sup.Client.Terminal;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// `sup run` on a terminal: the pods' table (<see cref="LivePodTable"/>) kept below the merged log stream by the
/// <see cref="LiveScreen"/>, redrawn every second, and single keys: <c>p</c> pauses the logs (and resumes them),
/// <c>f</c> shows one pod's lines (each press the next pod, then all again), <c>q</c> stops as Ctrl+C does.
/// Registered before the supervisor's service, so that it stops after it: the stop's lines ("stopping", "all pods
/// stopped") are printed under a table that shows the pods terminating, then the table is erased and the terminal is
/// as it was found: its modes restored, Console.Out the plain one again. The same on every other way out the process
/// can see: the host disposed after a failed start, the process exiting, an unhandled exception; Ctrl+Z gives the
/// terminal back until <c>fg</c>.
/// </summary>
internal sealed partial class LiveView(Supervisor supervisor, LiveScreen screen, IHostApplicationLifetime lifetime, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private TextWriter? _out, _error;
    private TerminalKeys? _keys;
    private PosixSignalRegistration? _suspend;
    private bool _closed;

    /// <summary>Whether `sup run` shows the live view: its output is a terminal that takes control codes.</summary>
    public static bool Enabled => TerminalScreen.IsInteractive;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Open();
        try
        {
            var keys = Task.Factory.StartNew(() => ReadKeys(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            using var timer = new PeriodicTimer(Refresh, time);
            do Draw();
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) { }
        finally { Close(); }
    }

    private void Open()
    {
        lock (_gate)
        {
            _out = Console.Out;
            Console.SetOut(new LiveScreenWriter(screen, _out.Encoding, isError: false));
            if (TerminalScreen.IsTerminal(2))
            {
                _error = Console.Error;
                Console.SetError(new LiveScreenWriter(screen, _error.Encoding, isError: true));
            }
            _keys = TerminalKeys.Enter();
            AppDomain.CurrentDomain.ProcessExit += OnExit;
            AppDomain.CurrentDomain.UnhandledException += OnCrash;
            // Ctrl+Z: the terminal as it was, then stop as SIGTSTP would have; the next draw after SIGCONT takes it again.
            _suspend = PosixSignalRegistration.Create(PosixSignal.SIGTSTP, context =>
            {
                context.Cancel = true;
                screen.Suspend();
                _keys?.Suspend();
                kill(Environment.ProcessId, SIGSTOP);
                _keys?.Resume();
                screen.Resume();
            });
        }
    }

    private void OnExit(object? sender, EventArgs e) => Close();

    private void OnCrash(object? sender, UnhandledExceptionEventArgs e) => Close();

    /// <summary>Erases the table, prints what was held, gives the terminal back. Idempotent.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _suspend?.Dispose();
            if (Console.Out is LiveScreenWriter o) o.FlushPartial();
            if (Console.Error is LiveScreenWriter e) e.FlushPartial();
            screen.Close();
            if (_out is not null) Console.SetOut(_out);
            if (_error is not null) Console.SetError(_error);
            _keys?.Dispose();
            AppDomain.CurrentDomain.ProcessExit -= OnExit;
            AppDomain.CurrentDomain.UnhandledException -= OnCrash;
        }
    }

    public override void Dispose()
    {
        Close();
        base.Dispose();
    }

    private void Draw()
    {
        var (columns, rows) = TerminalScreen.Size();
        var pods = supervisor.Store.List(Kinds.Pod.Kind).Select(o => o.As<V1Pod>()).ToList();
        var events = supervisor.Store.List(Kinds.Event.Kind).Select(o => o.As<Corev1Event>()).ToList();
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        if (stopping) screen.SetPaused(false); // the stop is shown as it happens
        var logs = (screen.Filter is { } pod ? $"{pod} only" : "all pods") + (screen.Paused ? $", PAUSED ({screen.Held} held)" : "");
        // A third of the screen at most, so that the logs keep most of it.
        var table = LivePodTable.Render(pods, events, time.GetUtcNow().UtcDateTime, columns, Math.Max(1, rows / 3 - 2),
            new LivePodTable.Status(logs, stopping, _keys is not null), TerminalScreen.Colour);
        screen.Show(table);
    }

    private void ReadKeys(CancellationToken stop)
    {
        if (_keys is not { } keys) return;
        while (!stop.IsCancellationRequested)
        {
            if (keys.Read(TimeSpan.FromMilliseconds(200)) is not { } key) continue;
            switch (key)
            {
                case 'q' or 'Q':
                    lifetime.StopApplication();
                    break;
                case 'p' or 'P' or ' ':
                    screen.SetPaused(!screen.Paused && !lifetime.ApplicationStopping.IsCancellationRequested);
                    break;
                case 'f' or 'F':
                    screen.SetFilter(NextPod(screen.Filter));
                    break;
                default:
                    continue;
            }
            Draw();
        }
    }

    /// <summary>The pod after <paramref name="current"/> by name; after the last, null (all pods).</summary>
    private string? NextPod(string? current)
    {
        var names = supervisor.Store.List(Kinds.Pod.Kind).Select(o => o.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        return current is null ? names.FirstOrDefault() : names.FirstOrDefault(n => string.CompareOrdinal(n, current) > 0);
    }

    private const int SIGSTOP = 19;

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
