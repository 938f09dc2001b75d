using CliWrap;
using CliWrap.Buffered;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// Whether this host lets a daemon that is not root make an unprivileged user namespace with a mount namespace in it
/// (kernels and distributions may forbid it: user.max_user_namespaces 0, Debian's unprivileged_userns_clone,
/// AppArmor's restrictions): tried once, with the unshare the containers are started through.
/// </summary>
public static class UserNamespaces
{
    private static readonly Lazy<string?> Probe = new(Try, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>null when it may; else why not (unshare's words).</summary>
    public static string? Unavailable => Probe.Value;

    private static string? Try()
    {
        var cli = Cli.Wrap(IsolatedCommand.Unshare)
            .WithArguments(["--user", "--map-root-user", "--mount", "--", "true"])
            .WithValidation(CommandResultValidation.None);
        try
        {
            BufferedCommandResult result;
            using (ChildReaper.Shared.StartDotnetChild(() => cli.ExecuteBufferedAsync(), t => t.ProcessId, out var run))
                result = run.GetAwaiter().GetResult();
            return result.ExitCode == 0 ? null : result.StandardError.Trim() is { Length: > 0 } error ? error : $"unshare exited with {result.ExitCode}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"cannot run {IsolatedCommand.Unshare}: {e.Message}";
        }
    }
}
