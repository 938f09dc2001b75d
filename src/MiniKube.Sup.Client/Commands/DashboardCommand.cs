using System.CommandLine;
using System.Net;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup dashboard: prints the address of the web dashboard (/ui/ on the daemon's loopback https listener)
/// with the daemon's token after '#': a fragment stays in the browser (never sent, so never in a log), and the page
/// moves it into the tab's sessionStorage and out of the address bar.</summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var command = new Command("dashboard", "Print the address of the web dashboard, with the token that opens it");
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            // The daemon answers on its socket: the token and kubeconfig it wrote at start are current.
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, "/healthz").ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            string token, kubeconfig;
            try
            {
                token = File.ReadAllText(Path.Combine(client.StateDir, "token")).Trim();
                kubeconfig = File.ReadAllText(Path.Combine(client.StateDir, "kubeconfig"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(ClientCommand.Error($"sup: cannot read the daemon's token: {e.Message}"));
                return 1;
            }
            if (ServerOf(kubeconfig) is not { } server)
            {
                Console.Error.WriteLine($"sup: no server address in {Path.Combine(client.StateDir, "kubeconfig")}");
                return 1;
            }
            Console.Out.WriteLine($"{server}/ui/#token={token}");
            Console.Error.WriteLine($"The daemon's certificate is its own: trust {Path.GetFullPath(Path.Combine(client.StateDir, "ca.crt"))} in the browser, or accept its warning once. The token changes each time the daemon starts.");
            return 0;
        }));
        return command;
    }

    /// <summary>The https address in the kubeconfig the daemon writes (<c>server: https://127.0.0.1:PORT</c>).</summary>
    public static string? ServerOf(string kubeconfig) =>
        kubeconfig.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("server: ", StringComparison.Ordinal))?["server: ".Length..].Trim();
}
