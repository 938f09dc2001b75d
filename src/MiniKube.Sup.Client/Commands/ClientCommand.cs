using System.Runtime.InteropServices;
using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

/// <summary>Runs a client command against the daemon with one-line errors: no daemon (and how to start one), a
/// socket that is not this user's, a daemon of another user (never talked to), a broken connection, errors from the
/// server as kubectl prints them (all exit 1), bad arguments with exit code 2; control characters in any of them escaped.</summary>
internal static class ClientCommand
{
    public static async Task<int> RunAsync(ParseResult parse, Func<SupClient, Task<int>> action)
    {
        using var client = new SupClient(parse.GetValue(CommonOptions.StateDir)!)
        {
            Namespace = parse.GetValue(CommonOptions.Namespace)!,
            AllNamespaces = parse.GetValue(CommonOptions.AllNamespaces),
        };
        try
        {
            return await action(client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DaemonUnreachableException or UntrustedDaemonException)
        {
            Console.Error.WriteLine(Error($"sup: {e.Message}"));
            return 1;
        }
        catch (ApiException e)
        {
            Console.Error.WriteLine(Error(e.Message));
            return 1;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // A stream (a watch, logs -f) that broke after it started.
            Console.Error.WriteLine(Error($"sup: the connection to the sup daemon at {client.SocketPath} broke: {e.Message}"));
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(Error($"sup: {e.Message}"));
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    public static Exception Usage(string message) => new UsageException(message);

    /// <summary>An error as printed: names and values in it may hold control characters (an argument, a server
    /// message), shown escaped so that they cannot drive the terminal; its lines stay lines.</summary>
    public static string Error(string message) => Printing.ControlCharacters.EscapeKeepingLines(message);

    /// <summary>Ctrl+C ends a follow or a watch quietly. (A signal registration, not Console.CancelKeyPress: that
    /// initialises .NET's console, which puts the terminal in application cursor-key mode for good.)</summary>
    public static CancellationToken CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        lock (Interrupts)
        {
            Interrupts.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                cts.Cancel();
            }));
        }
        return cts.Token;
    }

    /// <summary>Kept for the process's life: a registration that is collected stops handling its signal.</summary>
    private static readonly List<PosixSignalRegistration> Interrupts = [];

    private sealed class UsageException(string message) : Exception(message);
}
