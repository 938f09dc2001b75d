using System.Globalization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// The docker command lines of a pod sandbox and of a container, as pure functions of what is asked for. Docker has
/// no pods: a pause container holds the pod's namespaces (k8s: the sandbox's pause container), and each container
/// joins them.
/// </summary>
public static class DockerArguments
{
    /// <summary>The image of the pause container (tests/images/build.sh builds it; the daemon makes it from the busybox
    /// image where it is missing). The command it is run with is given here, so any image with a shell serves.</summary>
    public const string PauseImage = "localhost/sup-pause:latest";

    /// <summary>Sleeps until SIGTERM (docker stops it with SIGKILL anyway); as the pid namespace's first process where
    /// the pod shares one (shareProcessNamespace), its shell's wait reaps the orphans.</summary>
    private const string PauseCommand = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done";

    /// <summary><c>docker run --detach</c> of the pause container: the pod's network namespace (k8s: its containers
    /// share it and reach each other over localhost) with every containerPort published on the pod's loopback
    /// address under its own number (docker's userland proxy listens there), its hostname and /etc/hosts entries
    /// (docker gives the joined containers the same files), an IPC namespace the pod's containers may join; the host's
    /// network for hostNetwork (and then the host's name, as Kubernetes gives such a pod).</summary>
    public static List<string> CreatePause(SandboxRequest request, string daemonId, string name)
    {
        var args = new List<string> { "run", "--detach", "--name", name };
        args.AddRange(EngineLabels.PodLabels(daemonId, request.Namespace, request.PodName, request.PodUid));
        args.AddRange(["--pull", "never", "--log-driver", "none", "--ipc", "shareable"]);
        if (request.HostNetwork)
        {
            args.AddRange(["--network", "host"]);
        }
        else
        {
            if (!string.IsNullOrEmpty(request.Hostname)) args.AddRange(["--hostname", request.Hostname]);
            foreach (var port in request.PublishedPorts)
            {
                var number = port.Port.ToString(CultureInfo.InvariantCulture);
                args.AddRange(["--publish", $"{request.PodIp}:{number}:{number}/{port.Protocol.ToLowerInvariant()}"]);
            }
        }
        foreach (var host in request.HostEntries) args.AddRange(["--add-host", $"{host.Name}:{host.Ip}"]);
        args.AddRange(["--entrypoint", "sh", PauseImage, "-c", PauseCommand]);
        return args;
    }

    /// <summary><c>docker create</c> of one container instance (<see cref="ContainerArguments"/>) in the pause
    /// container's network and IPC namespaces (and its pid namespace for shareProcessNamespace). docker keeps its
    /// output in a small log of its own, which the daemon follows into its log files (<c>docker logs --follow</c>,
    /// where an attach would pass the daemon's own signals on to the container).</summary>
    public static List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string pause, bool shareProcessNamespace,
        ContainerUlimits limits)
    {
        List<string> sandbox = ["--network", $"container:{pause}", "--ipc", $"container:{pause}"];
        if (shareProcessNamespace) sandbox.AddRange(["--pid", $"container:{pause}"]);
        return ContainerArguments.Create(launch, daemonId, name, limits, sandbox,
            log: ["--log-driver", "local", "--log-opt", "max-size=10m", "--log-opt", "max-file=1", "--log-opt", "compress=false"], EntrypointForm.FirstWord);
    }
}
