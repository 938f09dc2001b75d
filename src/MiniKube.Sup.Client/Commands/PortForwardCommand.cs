using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Commands;

/// <summary>
/// sup port-forward TYPE/NAME [LOCAL:]REMOTE... [--address A,B]: as kubectl port-forward. The pod is chosen as
/// kubectl chooses it (a Service's, a workload's: <see cref="LogsTarget"/>; a Service's port becomes its targetPort);
/// each local connection is one WebSocket to the daemon (<see cref="PortForwardChannels"/>). As kubectl v1.32, a
/// failed forward ends the command ("error: lost connection to pod").
/// </summary>
internal static class PortForwardCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "POD, pod/NAME, svc/NAME, deploy/NAME, sts/NAME, rs/NAME" };
        var ports = new Argument<string[]>("ports") { Description = "[LOCAL:]REMOTE ports (LOCAL empty or 0: a free port)", Arity = ArgumentArity.OneOrMore };
        var address = new Option<string>("--address") { Description = "Addresses to listen on, comma-separated (localhost: 127.0.0.1)", DefaultValueFactory = _ => "localhost" };
        var command = new Command("port-forward", "Forward local ports to a pod") { target, ports, address };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var text = parse.GetValue(target)!;
            // As kubectl: a bare name is a pod's.
            var (kind, names, error) = text.Contains('/') ? KindArgument.Parse([text]) : (Kinds.Pod, [text], null);
            if (kind is null) throw ClientCommand.Usage(error!);
            var name = names is [{ Length: > 0 } one] ? one : throw ClientCommand.Usage("port-forward needs one TYPE/NAME");
            var pairs = parse.GetValue(ports)!.Select(Pair).ToList();
            using var pod = await PodAsync(client, kind, name).ConfigureAwait(false);
            if (pod is null) return 1;
            var podName = pod.RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
            if (pod.RootElement.GetProperty("status").GetProperty("phase").GetString() != "Running")
                throw ClientCommand.Usage($"unable to forward port because pod is not running. Current status={pod.RootElement.GetProperty("status").GetProperty("phase").GetString()}");
            if (kind == Kinds.Service)
            {
                using var service = JsonDocument.Parse(await client.GetJsonAsync(kind, name).ConfigureAwait(false));
                pairs = pairs.Select(p => (p.Local, TargetPort(service.RootElement, pod.RootElement, p.Remote))).ToList();
            }
            var addresses = parse.GetValue(address)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => a == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(a, out var ip) ? ip : throw ClientCommand.Usage($"{a} is not an IP address")).ToList();
            var cancel = ClientCommand.CancelOnCtrlC();
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var listeners = new List<(TcpListener Listener, int Local, int Remote)>();
            try
            {
                foreach (var (local, remote) in pairs)
                {
                    var bound = local;
                    foreach (var ip in addresses)
                    {
                        var listener = new TcpListener(ip, bound);
                        listener.Start();
                        bound = ((IPEndPoint)listener.LocalEndpoint).Port; // one free port for every address
                        listeners.Add((listener, bound, remote));
                        Console.Out.WriteLine($"Forwarding from {Format(ip)}:{bound} -> {remote}");
                    }
                }
                var path = client.Path(Kinds.Pod, podName) + "/portforward?ports=";
                var accepting = listeners.Select(l => AcceptAsync(client, l.Listener, l.Local, l.Remote, path, lost, lost.Token)).ToList();
                await Task.WhenAll(accepting).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw ClientCommand.Usage($"unable to listen on any of the requested ports: {e.Message}");
            }
            finally
            {
                foreach (var (listener, _, _) in listeners) listener.Stop();
            }
            if (cancel.IsCancellationRequested) return 0;
            Console.Error.WriteLine("error: lost connection to pod");
            return 1;
        }));
        return command;
    }

    private static async Task AcceptAsync(SupClient client, TcpListener listener, int local, int remote, string path, CancellationTokenSource lost, CancellationToken cancel)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var connection = await listener.AcceptSocketAsync(cancel).ConfigureAwait(false);
                Console.Out.WriteLine($"Handling connection for {local}");
                connections.Add(Task.Run(() => ForwardAsync(client, connection, local, remote, path + remote.ToString(CultureInfo.InvariantCulture), lost, cancel)));
            }
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    /// <summary>One local connection: its bytes to channel 0 and back; a message on channel 1 (after the port) is a failure.</summary>
    private static async Task ForwardAsync(SupClient client, Socket connection, int local, int remote, string path, CancellationTokenSource lost, CancellationToken cancel)
    {
        using var _ = connection;
        try
        {
            using var socket = await client.WebSocketAsync(path, PortForwardChannels.Protocol, cancel).ConfigureAwait(false);
            var upstream = Task.Run(async () =>
            {
                var buffer = new byte[32 * 1024];
                int read;
                try
                {
                    while ((read = await connection.ReceiveAsync(buffer.AsMemory(1), SocketFlags.None, cancel).ConfigureAwait(false)) > 0)
                        await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, endOfMessage: true, cancel).ConfigureAwait(false);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or ObjectDisposedException) { }
            });
            var message = new MemoryStream();
            var chunk = new byte[32 * 1024];
            bool dataPort = false, errorPort = false;
            while (true)
            {
                var result = await socket.ReceiveAsync(chunk, cancel).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The pod's side ended: answer the close; the local connection's read side ends too.
                    try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel).ConfigureAwait(false); }
                    catch (Exception e) when (e is WebSocketException or InvalidOperationException) { }
                    break;
                }
                message.Write(chunk, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var bytes = message.ToArray();
                message.SetLength(0);
                if (bytes.Length == 0) continue;
                var body = bytes.AsMemory(1);
                // The first message of each channel is its port.
                if (bytes[0] == 0 && !dataPort) { dataPort = true; continue; }
                if (bytes[0] == 1 && !errorPort) { errorPort = true; continue; }
                if (bytes[0] == 0) await connection.SendAsync(body, SocketFlags.None, cancel).ConfigureAwait(false);
                else if (bytes[0] == 1 && body.Length > 0)
                {
                    Console.Error.WriteLine(ClientCommand.Error($"error: an error occurred forwarding {local} -> {remote}: {Encoding.UTF8.GetString(body.Span)}"));
                    await lost.CancelAsync().ConfigureAwait(false);
                }
            }
            connection.Shutdown(SocketShutdown.Send);
            await upstream.WaitAsync(TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            Console.Error.WriteLine(ClientCommand.Error($"error: forwarding {local} -> {remote}: {e.Message}"));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException) { }
    }

    private static async Task<JsonDocument?> PodAsync(SupClient client, KindInfo kind, string name)
    {
        if (kind == Kinds.Pod) return JsonDocument.Parse(await client.GetJsonAsync(kind, name).ConfigureAwait(false));
        if (!LogsTarget.ChoosesByLabels(kind)) throw ClientCommand.Usage($"cannot forward to {kind.Plural}: a pod, a Service or a workload");
        return await LogsTarget.ChooseAsync(client, kind, name).ConfigureAwait(false) is { } chosen ? JsonDocument.Parse(chosen.GetRawText()) : null;
    }

    /// <summary>LOCAL:REMOTE, :REMOTE or REMOTE (the same port locally).</summary>
    private static (int Local, int Remote) Pair(string text)
    {
        var parts = text.Split(':');
        int Port(string p, bool zero) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535 && (zero || n > 0)
            ? n : throw ClientCommand.Usage($"invalid port {text}: a port is 1-65535");
        return parts switch
        {
            [var remote] => (Port(remote, false), Port(remote, false)),
            [var local, var remote] => (local.Length == 0 ? 0 : Port(local, true), Port(remote, false)),
            _ => throw ClientCommand.Usage($"invalid port {text}: LOCAL:REMOTE, :REMOTE or REMOTE"),
        };
    }

    /// <summary>k8s: a Service port becomes the pod port its targetPort names (a number, or a container port's name).</summary>
    private static int TargetPort(JsonElement service, JsonElement pod, int port)
    {
        foreach (var p in service.GetProperty("spec").GetProperty("ports").EnumerateArray())
        {
            if (p.GetProperty("port").GetInt32() != port) continue;
            if (!p.TryGetProperty("targetPort", out var target)) return port;
            if (target.ValueKind == JsonValueKind.Number) return target.GetInt32();
            var named = target.GetString();
            foreach (var c in pod.GetProperty("spec").GetProperty("containers").EnumerateArray())
                if (c.TryGetProperty("ports", out var cps))
                    foreach (var cp in cps.EnumerateArray())
                        if (cp.TryGetProperty("name", out var n) && n.GetString() == named) return cp.GetProperty("containerPort").GetInt32();
            throw ClientCommand.Usage($"pod {pod.GetProperty("metadata").GetProperty("name").GetString()} has no port named {named}");
        }
        throw ClientCommand.Usage($"Service {service.GetProperty("metadata").GetProperty("name").GetString()} does not have a service port {port}");
    }

    private static string Format(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
}
