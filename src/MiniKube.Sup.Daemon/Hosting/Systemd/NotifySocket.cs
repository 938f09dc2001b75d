using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;

namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>
/// The service manager's notification socket (sd_notify(3)): whenever NOTIFY_SOCKET is set (a path or an abstract
/// "@name"), whoever the parent is — the package's own UseSystemd activates only when the parent is systemd, which
/// a wrapper, `systemd-run --pty` or a test is not. Sending is the package's <see cref="SystemdNotifier"/>.
/// </summary>
internal sealed class NotifySocket
{
    // sd_notify's unset_environment: pods inherit the daemon's environment (SPEC §2), and a pod's program that
    // speaks sd_notify must not talk to systemd in the daemon's name.
    private static readonly string[] Variables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"];

    private readonly SystemdNotifier? _notifier;

    private NotifySocket(SystemdNotifier? notifier, TimeSpan? watchdog)
    {
        _notifier = notifier;
        Watchdog = watchdog;
    }

    /// <summary>Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, and removes them from the environment.</summary>
    public static NotifySocket FromEnvironment()
    {
        var notifier = new SystemdNotifier();
        var watchdog = NotifyPlan.Watchdog(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
        return notifier.IsEnabled ? new NotifySocket(notifier, watchdog) : new NotifySocket(null, null);
    }

    public bool Enabled => _notifier is not null;

    /// <summary>The watchdog period, when systemd asks for pings (and there is a socket to send them to).</summary>
    public TimeSpan? Watchdog { get; }

    /// <returns>false when the message could not be sent (no listener any more: systemd gone, a test done)</returns>
    public bool Send(string message)
    {
        if (_notifier is null) return false;
        try
        {
            _notifier.Notify(new ServiceState(message));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
