using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup exec [-i] [-t] [-c CONTAINER] [-q] POD|TYPE/NAME -- COMMAND [ARGS...], as kubectl exec: the command runs
/// in the container (its environment, working directory; inside an image container), and sup exits with its code.</summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("pod") { Description = "POD, pod/POD, or TYPE/NAME (deployment, statefulset, replicaset, daemonset, service: one of its pods)" };
        var command = new Argument<string[]>("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.ZeroOrMore };
        var container = new Option<string?>("--container", "-c") { Description = "Container name (default: the kubectl.kubernetes.io/default-container annotation, else the first)" };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Pass stdin to the command" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Stdin is a TTY: the command runs on a terminal" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only print output from the remote session" };
        var exec = new Command("exec", "Execute a command in a container") { target, command, container, stdin, tty, quiet };
        exec.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var argv = parse.GetValue(command) ?? [];
            if (argv.Length == 0) throw ClientCommand.Usage("you must specify at least one command for the container (sup exec POD -- COMMAND [ARGS...])");
            var q = parse.GetValue(quiet);
            if (await PodStreamCommand.ResolveAsync(client, parse.GetValue(target)!, parse.GetValue(container), q).ConfigureAwait(false) is not var (pod, chosen)) return 1;
            var i = parse.GetValue(stdin);
            var t = PodStreamCommand.UseTty(parse.GetValue(tty), i, q);
            var query = string.Join("&", argv.Select(a => "command=" + Uri.EscapeDataString(a)))
                + "&container=" + Uri.EscapeDataString(chosen.GetProperty("name").GetString()!)
                + "&" + PodStreamCommand.Flag("stdin", i) + "&stdout=true&" + PodStreamCommand.Flag("stderr", !t) + "&" + PodStreamCommand.Flag("tty", t);
            return await PodStreamCommand.RunAsync(client, pod, "exec", query, i, t, CancellationToken.None).ConfigureAwait(false);
        }));
        return exec;
    }
}
