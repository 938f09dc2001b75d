using System.CommandLine;
using MiniKube.Sup.Cli.Client;

namespace MiniKube.Sup.Cli.Commands;

/// <summary>Runs a client command against the daemon with one-line errors: no daemon (and how to start one), a
/// socket that is not this user's, a broken connection, errors from the server as kubectl prints them (all exit 1),
/// bad arguments with exit code 2.</summary>
internal static class ClientCommand
{
    public static async Task<int> RunAsync(ParseResult parse, Func<SupClient, Task<int>> action)
    {
        using var client = new SupClient(parse.GetValue(CommonOptions.StateDir)!);
        try
        {
            return await action(client).ConfigureAwait(false);
        }
        catch (DaemonUnreachableException e)
        {
            Console.Error.WriteLine($"sup: {e.Message}");
            return 1;
        }
        catch (ApiException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // A stream (a watch, logs -f) that broke after it started.
            Console.Error.WriteLine($"sup: the connection to the sup daemon at {client.SocketPath} broke: {e.Message}");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"sup: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    public static Exception Usage(string message) => new UsageException(message);

    /// <summary>Ctrl+C ends a follow or a watch quietly.</summary>
    public static CancellationToken CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return cts.Token;
    }

    private sealed class UsageException(string message) : Exception(message);
}
