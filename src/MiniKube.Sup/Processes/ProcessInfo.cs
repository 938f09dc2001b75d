namespace MiniKube.Sup.Processes;

/// <summary>One line of /proc/PID/stat that matters to us.</summary>
public readonly record struct ProcessInfo(int Pid, int Ppid, int Pgid, int Sid, char State, string Comm, ulong StartTicks, ulong CpuTicks, long RssPages)
{
    public bool IsZombie => State is 'Z' or 'X';
}
