using System.Globalization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// The podman command lines of a pod sandbox and of a container, as pure functions of what is asked for, so that how
/// Kubernetes fields map onto podman is read and tested in one place.
/// </summary>
public static class PodmanArguments
{
    /// <summary><c>podman pod create</c>: one network namespace for the pod (k8s: its containers share it and reach
    /// each other over localhost), every containerPort published on the pod's loopback address under its own number
    /// (so that image pods are reached as host pods are), its hostname and /etc/hosts entries; the host's network for
    /// hostNetwork.</summary>
    public static List<string> CreatePod(SandboxRequest request, string daemonId, string name, bool shareProcessNamespace = false)
    {
        var args = new List<string> { "pod", "create", "--name", name, "--infra-name", EngineLabels.InfraName(name) };
        args.AddRange(EngineLabels.PodLabels(daemonId, request.Namespace, request.PodName, request.PodUid));
        if (!string.IsNullOrEmpty(request.Hostname)) args.AddRange(["--hostname", request.Hostname]);
        // k8s: shareProcessNamespace puts the pod's containers in one pid namespace.
        args.AddRange(["--share", shareProcessNamespace ? "ipc,net,uts,pid" : "ipc,net,uts"]);
        if (request.HostNetwork)
        {
            args.AddRange(["--network", "host"]);
        }
        else
        {
            foreach (var port in request.PublishedPorts)
            {
                var number = port.Port.ToString(CultureInfo.InvariantCulture);
                args.AddRange(["--publish", $"{request.PodIp}:{number}:{number}/{port.Protocol.ToLowerInvariant()}"]);
            }
        }
        foreach (var host in request.HostEntries) args.AddRange(["--add-host", $"{host.Name}:{host.Ip}"]);
        return args;
    }

    /// <summary><c>podman create</c> of one container instance in its pod (<see cref="ContainerArguments"/>). Its output
    /// goes to whoever attaches (the daemon, into its log files), and into a small log of podman's own (conmon's
    /// k8s-file, at most 10 MB), which outlives the daemon: a daemon that adopts the container after a crash or an
    /// upgrade reads there what it missed (<see cref="EngineLogs"/>).</summary>
    public static List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string podName, ContainerUlimits limits) =>
        ContainerArguments.Create(launch, daemonId, name, limits, sandbox: ["--pod", podName], log: ["--log-driver", "k8s-file", "--log-opt", "max-size=10mb"],
            EntrypointForm.JsonArray);
}
