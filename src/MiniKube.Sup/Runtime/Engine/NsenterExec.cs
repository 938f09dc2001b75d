using System.Globalization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// k8s CRI ExecSync in an engine container, the cheap way: <c>nsenter</c>, spawned by the daemon's own spawner as a
/// host container's command is (watched by pid, killed with its group at the timeout), enters the namespaces of the
/// container's main process (mount and root, working directory, pid, network, ipc, uts) with the container's
/// environment and user, in its cgroup. It costs a fork and an exec (milliseconds) where <c>podman exec</c> costs
/// ~0.2 s, which matters for exec probes every few seconds. Unlike <c>podman exec</c> it keeps the daemon's
/// capabilities and no seccomp profile: the command is the manifest's own, as trusted as the container's.
/// </summary>
internal static class NsenterExec
{
    private static readonly string? Executable = new[] { "/usr/bin/nsenter", "/bin/nsenter", "/usr/sbin/nsenter" }.FirstOrDefault(File.Exists);

    public static bool Available => Executable is not null;

    public static Task<ExecResult> RunAsync(EngineExecContext context, IReadOnlyList<string> command, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (command.Count == 0 || string.IsNullOrEmpty(command[0])) throw new ContainerExecException("no command specified");
        var nsenter = Executable ?? throw new ContainerExecException("nsenter (util-linux) is not installed: commands cannot be run in containers");
        var host = new HostExecContext(context.Environment, "", "/", context.Cgroup);
        return HostExec.RunAsync(nsenter, Argv(context, command), host, timeout, time, Processes.Native.CreatePipe, cancellationToken);
    }

    public static ExecTarget Target(EngineExecContext context, IReadOnlyList<string> command)
    {
        if (command.Count == 0 || string.IsNullOrEmpty(command[0])) throw new ContainerExecException("no command specified");
        var nsenter = Executable ?? throw new ContainerExecException("nsenter (util-linux) is not installed: commands cannot be run in containers");
        return new ExecTarget(nsenter, Argv(context, command), new HostExecContext(context.Environment, "", "/", context.Cgroup));
    }

    /// <summary>nsenter's command line: the target's namespaces, its root and working directory (the container's
    /// filesystem and workingDir), then the container's user, then the command (looked up on the container's PATH
    /// inside it).</summary>
    internal static List<string> Argv(EngineExecContext context, IReadOnlyList<string> command)
    {
        var argv = new List<string>
        {
            "nsenter", "--target", context.Pid.ToString(CultureInfo.InvariantCulture),
            "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd",
        };
        // Rootless: the other namespaces belong to podman's user namespace, where we have the rights to enter them
        // (outside it we have none). nsenter enters it first, as root there (the container's root is our own uid).
        if (context.UserNamespace) argv.Insert(3, "--user");
        if (context.User is { } user) argv.AddRange(["--setuid", user.ToString(CultureInfo.InvariantCulture)]);
        if (context.Group is { } group)
            argv.AddRange(["--setgid", group.ToString(CultureInfo.InvariantCulture)]);
        argv.Add("--");
        argv.AddRange(command);
        return argv;
    }
}
