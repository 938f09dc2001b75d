using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Cli;

/// <summary>
/// `sup run` as PID 1 (a container's entrypoint, `unshare --pid --fork`). The .NET runtime, as PID 1, reaps every
/// child on SIGCHLD (waitpid(-1), init's duty: <c>reapAll = g_pid == 1</c> in System.Native), so a daemon that is
/// PID 1 loses the exit status of a container to it now and then, and waits for an exit it will never see. So `sup`
/// stays PID 1 as a small init, as tini does: it starts sup-daemon as its only child (a child subreaper: the pods'
/// orphans still come to the daemon), forwards the signals a stop is asked with, lets .NET reap whatever else the
/// namespace orphans to PID 1, and exits with the daemon's exit code.
/// </summary>
internal static partial class InitShim
{
    /// <summary>What an engine or a user sends PID 1 to stop or poke it: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2.</summary>
    private static readonly PosixSignal[] Forwarded =
        [PosixSignal.SIGHUP, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM, (PosixSignal)10, (PosixSignal)12];

    public static bool IsInit => Environment.ProcessId == 1;

    public static int Run(string engine, IEnumerable<string> args)
    {
        var child = 0;
        var pending = new List<int>();
        var gate = new Lock();
        // Registered before the start: a stop asked for in between is passed on as soon as the daemon exists.
        var registrations = Forwarded.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            var number = Number(context.Signal);
            lock (gate)
            {
                if (child > 0) kill(child, number);
                else pending.Add(number);
            }
        })).ToList();
        try
        {
            var info = new ProcessStartInfo(engine) { UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var daemon = Process.Start(info)!;
            lock (gate)
            {
                child = daemon.Id;
                foreach (var number in pending) kill(child, number);
            }
            daemon.WaitForExit();
            return daemon.ExitCode; // 128 + the signal when one ended it
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    private static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
