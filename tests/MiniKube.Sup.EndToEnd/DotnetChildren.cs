using System.Diagnostics;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Starts every program the tests run from this process. The in-process pod tests make this process a
/// subreaper with the daemon's reaper, and .NET ends a process whose <see cref="Process"/> child was reaped by
/// someone else ("Error while reaping child. errno = 10"): each child is marked as .NET's before it can exit, so the
/// reaper never takes it, whatever session it ends up in; the mark goes once .NET has waited for it.</summary>
public static class DotnetChildren
{
    public static Process Start(ProcessStartInfo info) => Start(new Process { StartInfo = info });

    /// <summary>Starts <paramref name="process"/> (its handlers already attached) and returns it.</summary>
    public static Process Start(Process process)
    {
        var mark = ChildReaper.Shared.StartDotnetChild(() => process.Start(), _ => process.Id, out _);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => mark.Dispose();
        if (process.HasExited) mark.Dispose();
        return process;
    }
}
