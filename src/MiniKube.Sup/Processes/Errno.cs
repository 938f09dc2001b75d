using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>An errno as a person searching for it needs it: the C library's message and the symbolic name
/// ("Too many open files (EMFILE)"): the message alone does not say which limit was hit.</summary>
public static class Errno
{
    // Linux's numbers (the same on x86-64 and arm64) for the errors a spawn, a pipe or a cgroup write can meet.
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
        [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
        [14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
        [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [26] = "ETXTBSY", [27] = "EFBIG",
        [28] = "ENOSPC", [30] = "EROFS", [31] = "EMLINK", [32] = "EPIPE", [36] = "ENAMETOOLONG", [38] = "ENOSYS",
        [39] = "ENOTEMPTY", [40] = "ELOOP", [95] = "EOPNOTSUPP", [122] = "EDQUOT",
    };

    /// <summary>"Too many open files (EMFILE)"; an errno without a known name shows its number ("errno 140").</summary>
    public static string Describe(int errno) =>
        $"{Marshal.GetPInvokeErrorMessage(errno)} ({(Names.TryGetValue(errno, out var name) ? name : $"errno {errno}")})";

    /// <summary>The errno of the last failed P/Invoke, described.</summary>
    public static string DescribeLast() => Describe(Marshal.GetLastPInvokeError());
}
