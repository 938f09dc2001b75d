using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Api;

/// <summary>
/// pods/NAME/exec as kubectl v1.32 speaks it (<see cref="RemoteCommandSocket"/>): stdin, stdout and stderr, the
/// outcome as a metav1 Status once the command has ended, terminal sizes. The command runs in the container (<see cref="ExecSession"/>): in its
/// namespaces for an image pod, with a TTY when asked. The client going away kills it.
/// </summary>
public sealed class PodExec(PodAgent pods, IContainerRuntime runtime)
{
    private const byte Stdin = RemoteCommandSocket.Stdin, Stdout = RemoteCommandSocket.Stdout, Stderr = RemoteCommandSocket.Stderr,
        ResizeChannel = RemoteCommandSocket.ResizeChannel, CloseChannel = RemoteCommandSocket.CloseChannel;

    /// <summary>How long output may still come once the command exited (a daemonized child may hold its pipes).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    public async Task HandleAsync(HttpContext ctx, string ns, string pod, CancellationToken stopping)
    {
        var query = ctx.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0) { await ApiStatus.BadRequest(ctx, "you must specify at least 1 command").ConfigureAwait(false); return; }
        var (_, container, problem) = PodContainerChoice.Choose(pods, ns, pod, query["container"].FirstOrDefault());
        if (container is null) { await ApiStatus.BadRequest(ctx, problem!).ConfigureAwait(false); return; }
        if (RemoteCommandSocket.Negotiate(ctx) is not { } protocol) { await ApiStatus.BadRequest(ctx, RemoteCommandSocket.UpgradeRequired).ConfigureAwait(false); return; }
        var tty = RemoteCommandSocket.IsTrue(query["tty"]);
        var stdin = RemoteCommandSocket.IsTrue(query["stdin"]);
        using var socket = await RemoteCommandSocket.AcceptAsync(ctx, protocol).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        // kubectl sends the user's terminal size first thing: a shell that asks at once must see it, not 80x24.
        var early = new List<(byte, ReadOnlyMemory<byte>)>();
        var (size, pending) = tty ? await FirstSizeAsync(socket, early, done.Token).ConfigureAwait(false) : (null, null);
        ExecSession session;
        try
        {
            session = ExecSession.Start(runtime.ExecTarget(container, command), stdin, tty, size);
        }
        catch (ContainerExecException e)
        {
            await socket.FinishAsync(RemoteCommandSocket.Status(null, e.Message), done.Token).ConfigureAwait(false);
            return;
        }
        await using (session.ConfigureAwait(false))
        {
            var output = Task.Run(() => PumpAsync(session.Output, Stdout, socket, done.Token));
            var error = session.Error is { } e ? Task.Run(() => PumpAsync(e, Stderr, socket, done.Token)) : Task.CompletedTask;
            var input = Task.Run(() => ReceiveAsync(socket, early, pending, session, done.Token));
            var first = await Task.WhenAny(session.Exited, input).ConfigureAwait(false);
            if (first == input)
            {
                // The client went away (or closed): the command goes with it.
                session.Kill();
                return;
            }
            var status = await session.Exited.ConfigureAwait(false);
            try { await Task.WhenAll(output, error).WaitAsync(OutputGrace, done.Token).ConfigureAwait(false); }
            catch (Exception x) when (x is TimeoutException or OperationCanceledException) { }
            await socket.FinishAsync(RemoteCommandSocket.Status(status, null), done.Token).ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(Stream from, byte channelId, RemoteCommandSocket channel, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
                await channel.SendAsync(channelId, buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
        }
        // A terminal's master reads EIO once nothing holds its other end: its end of output.
        catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException or ObjectDisposedException) { }
    }

    /// <summary>The terminal size, when the client sends it within a moment (kubectl sends it first thing); the
    /// messages that came before it are kept for the command.</summary>
    /// <returns>the size, if it came; and the read still in flight when the moment passed, for the loop to take up
    /// (cancelling a WebSocket read would abort the socket)</returns>
    private static async Task<((ushort, ushort)? Size, Task<(byte, ReadOnlyMemory<byte>)?>? Pending)> FirstSizeAsync(
        RemoteCommandSocket reader, List<(byte, ReadOnlyMemory<byte>)> early, CancellationToken cancel)
    {
        var deadline = Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
        while (true)
        {
            var next = reader.ReadAsync(cancel);
            if (await Task.WhenAny(next, deadline).ConfigureAwait(false) != next) return (null, next);
            if (await next.ConfigureAwait(false) is not var (channel, data)) return (null, next);
            if (channel == ResizeChannel && RemoteCommandSocket.Size(data) is { } size) return (size, null);
            early.Add((channel, data));
        }
    }

    /// <summary>The client's messages until it closes: stdin, terminal sizes, and (v5) the close of stdin.</summary>
    private static async Task ReceiveAsync(RemoteCommandSocket reader, List<(byte, ReadOnlyMemory<byte>)> early, Task<(byte, ReadOnlyMemory<byte>)?>? pending,
        ExecSession session, CancellationToken cancel)
    {
        try
        {
            foreach (var (channel, data) in early) await HandleAsync(channel, data, session, reader.V5, cancel).ConfigureAwait(false);
            while (await (pending ?? reader.ReadAsync(cancel)).ConfigureAwait(false) is var (channel, data))
            {
                pending = null;
                await HandleAsync(channel, data, session, reader.V5, cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    private static async Task HandleAsync(byte channel, ReadOnlyMemory<byte> data, ExecSession session, bool v5, CancellationToken cancel)
    {
        switch (channel)
        {
            case Stdin when session.Input is { } input && data.Length > 0:
                await input.WriteAsync(data, cancel).ConfigureAwait(false);
                break;
            case ResizeChannel when RemoteCommandSocket.Size(data) is var (columns, rows):
                session.Resize(columns, rows);
                break;
            case CloseChannel when v5 && data.Length > 0 && data.Span[0] == Stdin && session.Input is { } closing:
                await closing.DisposeAsync().ConfigureAwait(false);
                break;
        }
    }


}
