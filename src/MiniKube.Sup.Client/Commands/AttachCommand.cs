using System.CommandLine;
using System.Text.Json;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup attach [-i] [-t] [-c CONTAINER] [-q] POD|TYPE/NAME, as kubectl attach: the running container's output
/// from now on, and with -i what is typed into its stdin (a container with <c>stdin: true</c>); a container with
/// <c>tty: true</c> is always attached with a TTY. Ctrl+C (without -t) leaves; the container lives on.</summary>
internal static class AttachCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("pod") { Description = "POD, pod/POD, or TYPE/NAME (deployment, statefulset, replicaset, daemonset, service: one of its pods)" };
        var container = new Option<string?>("--container", "-c") { Description = "Container name (default: the kubectl.kubernetes.io/default-container annotation, else the first)" };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Pass stdin to the container" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Stdin is a TTY" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only print output from the remote session" };
        var attach = new Command("attach", "Attach to a running container") { target, container, stdin, tty, quiet };
        attach.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var q = parse.GetValue(quiet);
            if (await PodStreamCommand.ResolveAsync(client, parse.GetValue(target)!, parse.GetValue(container), q).ConfigureAwait(false) is not var (pod, chosen)) return 1;
            var name = chosen.GetProperty("name").GetString()!;
            var hasTty = chosen.TryGetProperty("tty", out var t) && t.ValueKind == JsonValueKind.True;
            var i = parse.GetValue(stdin);
            // k8s (kubectl attach): the container's terminal decides; -t without one is said and dropped.
            if (parse.GetValue(tty) && !hasTty && !q) Console.Error.WriteLine($"error: Unable to use a TTY - container {name} did not allocate one");
            var raw = hasTty && i && Streaming.RawTerminal.IsTerminal(0);
            if (!q) Console.Error.WriteLine("If you don't see a command prompt, try pressing enter.");
            var query = "container=" + Uri.EscapeDataString(name) + "&" + PodStreamCommand.Flag("stdin", i) + "&stdout=true&"
                + PodStreamCommand.Flag("stderr", !hasTty) + "&" + PodStreamCommand.Flag("tty", hasTty);
            var cancel = ClientCommand.CancelOnCtrlC();
            var code = await PodStreamCommand.RunAsync(client, pod, "attach", query, i, raw, cancel).ConfigureAwait(false);
            if (raw && !q) Console.Out.WriteLine($"Session ended, resume using 'sup attach {pod} -c {name} -n {client.Namespace} -i -t' command");
            return code;
        }));
        return attach;
    }
}
