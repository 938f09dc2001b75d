using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Api;

/// <summary>
/// pods/NAME/attach as kubectl v1.32 speaks it (<see cref="RemoteCommandSocket"/>, the protocol of exec): the running
/// container's output from now on (stdout and stderr apart where the runtime tells them apart; a host container's
/// share one pipe, as in its log, and come on stdout), and for a container that declares <c>stdin: true</c> what the
/// client types into the stdin the runtime keeps for it (<see cref="ContainerStreams"/>). With <c>tty: true</c> the
/// container runs on a terminal that the client's sizes resize. The attach ends when the container does (outcome
/// Success, as the kubelet writes it) or when the client goes; the container lives on (k8s stdinOnce: its stdin is
/// closed when the first attach that could write to it ends).
/// </summary>
public sealed class PodAttach(PodAgent pods)
{
    public async Task HandleAsync(HttpContext ctx, string ns, string pod, CancellationToken stopping)
    {
        var query = ctx.Request.Query;
        var (name, container, problem) = PodContainerChoice.Choose(pods, ns, pod, query["container"].FirstOrDefault());
        if (container is null) { await ApiStatus.BadRequest(ctx, problem!).ConfigureAwait(false); return; }
        if (RemoteCommandSocket.Negotiate(ctx) is not { } protocol) { await ApiStatus.BadRequest(ctx, RemoteCommandSocket.UpgradeRequired).ConfigureAwait(false); return; }
        var stdin = RemoteCommandSocket.IsTrue(query["stdin"]);
        var refused = container.Streams is null
            ? $"cannot attach to container {name} of pod {pod}: it was started by an earlier run of the daemon, which held its streams (its output is in its log)"
            : stdin && container.Streams.StdinUnavailable is { } why ? $"cannot attach to the stdin of container {name}: {why}" : null;
        if (refused is not null || container.Streams is not { } streams)
        {
            // As the kubelet does once the stream is up: the reason on the error channel, which kubectl prints.
            using var refusing = await RemoteCommandSocket.AcceptAsync(ctx, protocol).ConfigureAwait(false);
            await refusing.FinishAsync(RemoteCommandSocket.Status(null, refused), stopping).ConfigureAwait(false);
            return;
        }
        // k8s: the terminal is the container's, from its start; what the client asks cannot change it.
        var stderr = RemoteCommandSocket.IsTrue(query["stderr"]) && !streams.Tty;
        var stdout = RemoteCommandSocket.IsTrue(query["stdout"]) || !query.ContainsKey("stdout");
        using var socket = await RemoteCommandSocket.AcceptAsync(ctx, protocol).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        using var subscription = streams.Subscribe();
        try
        {
            var output = Task.Run(() => SendAsync(subscription, socket, stdout, stderr, done.Token));
            var input = Task.Run(() => ReceiveAsync(socket, streams, stdin, done.Token));
            if (await Task.WhenAny(output, input).ConfigureAwait(false) == output && streams.Ended.IsCompleted)
                await socket.FinishAsync(RemoteCommandSocket.Status(new Processes.ExitStatus(0, 0), null), done.Token).ConfigureAwait(false);
        }
        finally
        {
            streams.AttachEnded(usedStdin: stdin);
        }
    }

    private static async Task SendAsync(ContainerStreams.Subscription subscription, RemoteCommandSocket socket, bool stdout, bool stderr, CancellationToken cancel)
    {
        try
        {
            await foreach (var chunk in subscription.Output.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                // Without a stderr stream, stderr is not sent (kubectl asks for none with a TTY, where there is none).
                if (chunk.Stderr ? !stderr : !stdout) continue;
                await socket.SendAsync(chunk.Stderr ? RemoteCommandSocket.Stderr : RemoteCommandSocket.Stdout, chunk.Data, cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    /// <summary>The client's messages until it goes: stdin into the container's, terminal sizes, and (v5) the close
    /// of its stdin, which with stdinOnce closes the container's.</summary>
    private static async Task ReceiveAsync(RemoteCommandSocket socket, ContainerStreams streams, bool stdin, CancellationToken cancel)
    {
        try
        {
            while (await socket.ReadAsync(cancel).ConfigureAwait(false) is var (channel, data))
            {
                switch (channel)
                {
                    case RemoteCommandSocket.Stdin when stdin && data.Length > 0 && streams.Input is { } input:
                        await input.WriteAsync(data, cancel).ConfigureAwait(false);
                        await input.FlushAsync(cancel).ConfigureAwait(false);
                        break;
                    case RemoteCommandSocket.ResizeChannel when streams.Tty && RemoteCommandSocket.Size(data) is var (columns, rows):
                        streams.Resize(columns, rows);
                        break;
                    case RemoteCommandSocket.CloseChannel when socket.V5 && stdin && data.Length > 0 && data.Span[0] == RemoteCommandSocket.Stdin:
                        streams.AttachEnded(usedStdin: true);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
    }
}
