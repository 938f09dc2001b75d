using System.Text.Json;
using MiniKube.Sup.Client.Streaming;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Commands;

/// <summary>
/// What sup exec and sup attach share, as kubectl does them: the pod (POD, pod/NAME, or a workload or Service whose
/// pod is chosen as for logs), its container (-c, else the kubectl.kubernetes.io/default-container annotation, else
/// the first, said on stderr when there are several), the session over the WebSocket (<see cref="RemoteCommandClient"/>,
/// the user's terminal raw with -t and restored however it ends), and the exit code: the command's.
/// </summary>
internal static class PodStreamCommand
{
    /// <returns>the pod's name and the chosen container's JSON; null (said on stderr) when there is no pod</returns>
    public static async Task<(string Pod, JsonElement Container)?> ResolveAsync(SupClient client, string target, string? container, bool quiet)
    {
        JsonElement pod;
        var slash = target.IndexOf('/');
        if (slash > 0 && Kinds.ByName(target[..slash]) is { } kind && kind != Kinds.Pod)
        {
            if (!LogsTarget.ChoosesByLabels(kind)) throw ClientCommand.Usage($"cannot choose a pod of {target}: give a pod, or deployment/, statefulset/, replicaset/, daemonset/, replicationcontroller/ or service/NAME");
            if (await LogsTarget.ChooseAsync(client, kind, target[(slash + 1)..]).ConfigureAwait(false) is not { } chosen) return null;
            pod = chosen;
        }
        else
        {
            var name = slash > 0 ? target[(slash + 1)..] : target;
            using var doc = JsonDocument.Parse(await client.GetJsonAsync(Kinds.Pod, name).ConfigureAwait(false));
            pod = doc.RootElement.Clone();
        }
        var podName = pod.GetProperty("metadata").GetProperty("name").GetString()!;
        var containers = pod.GetProperty("spec").GetProperty("containers").EnumerateArray().ToList();
        var names = containers.Select(c => c.GetProperty("name").GetString()!).ToList();
        if (container is not null)
        {
            var index = names.IndexOf(container);
            if (index < 0) throw new ApiException(400, $"container {container} not found in pod {podName}");
            return (podName, containers[index]);
        }
        var preferred = pod.GetProperty("metadata").TryGetProperty("annotations", out var annotations)
            && annotations.TryGetProperty("kubectl.kubernetes.io/default-container", out var a) ? a.GetString() : null;
        if (preferred is not null && names.IndexOf(preferred) is var at and >= 0) return (podName, containers[at]);
        // k8s (kubectl podcmd.FindOrDefaultContainerByName): the first, said when there was a choice.
        if (names.Count > 1 && !quiet) Console.Error.WriteLine($"Defaulted container \"{names[0]}\" out of: {string.Join(", ", names)}");
        return (podName, containers[0]);
    }

    /// <summary>Connects and runs the session; the user's terminal is raw with <paramref name="tty"/> while it lasts.</summary>
    /// <returns>the exit code: the command's, 1 for any other failure, 0 when an attach ends without an outcome</returns>
    public static async Task<int> RunAsync(SupClient client, string pod, string subresource, string query, bool stdin, bool tty, CancellationToken cancel)
    {
        var path = client.Path(Kinds.Pod, pod) + "/" + subresource + "?" + query;
        using var socket = await client.ConnectWebSocketAsync(path, RemoteCommandClient.Protocol, cancel).ConfigureAwait(false);
        RemoteCommandOutcome? outcome;
        using (var raw = tty ? RawTerminal.Enter() : null)
        {
            outcome = await new RemoteCommandClient(socket).RunAsync(stdin, raw is not null, cancel).ConfigureAwait(false);
        }
        if (outcome is not { } o) return 0;
        if (o.Message is { } message) Console.Error.WriteLine(ClientCommand.Error(message));
        return o.ExitCode;
    }

    /// <summary>-t as kubectl takes it: only when stdin is a terminal (else it says so and goes on without).</summary>
    public static bool UseTty(bool tty, bool stdin, bool quiet)
    {
        if (!tty) return false;
        if (stdin && RawTerminal.IsTerminal(0)) return true;
        if (!quiet) Console.Error.WriteLine("Unable to use a TTY - input is not a terminal or the right kind of file");
        return false;
    }

    public static string Flag(string name, bool value) => $"{name}={(value ? "true" : "false")}";
}
