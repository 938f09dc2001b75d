using System.Runtime.InteropServices;

namespace MiniKube.Sup.Conformance;

internal static class Native
{
    public const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int sig);
}
