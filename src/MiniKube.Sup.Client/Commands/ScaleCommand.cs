using System.CommandLine;
using System.Net;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup scale KIND/NAME --replicas N: as kubectl scale, a PATCH of the /scale subresource.</summary>
internal static class ScaleCommand
{
    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "deployment/NAME or statefulset/NAME", Arity = ArgumentArity.OneOrMore };
        var replicas = new Option<int>("--replicas") { Description = "The new number of replicas", Required = true };
        var command = new Command("scale", "Set a new size for a Deployment, StatefulSet or ReplicationController") { what, replicas };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, names, error) = KindArgument.Parse(parse.GetValue(what)!);
            if (kind is null) throw ClientCommand.Usage(error!);
            if (!ScaleSubresource.Handles(kind)) throw ClientCommand.Usage($"cannot scale {kind.Plural}: only deployments, statefulsets and replicationcontrollers");
            if (names.Count == 0) throw ClientCommand.Usage("scale needs the name of the object");
            var count = parse.GetValue(replicas);
            if (count < 0) throw ClientCommand.Usage("--replicas must be 0 or more");
            foreach (var name in names)
            {
                var (status, body, _) = await client.SendAsync(HttpMethod.Patch, client.Path(kind, name) + "/scale",
                    $"{{\"spec\":{{\"replicas\":{count}}}}}", contentType: "application/merge-patch+json").ConfigureAwait(false);
                if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
                Console.Out.WriteLine($"{RolloutCommand.Qualified(kind)}/{name} scaled");
            }
            return 0;
        }));
        return command;
    }
}
