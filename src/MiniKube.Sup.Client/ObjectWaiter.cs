using MiniKube.Sup.Spec;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client;

/// <summary>
/// How the CLI waits for one object to get somewhere (wait, delete, rollout status): it lists the object once and
/// then follows the API's watch of it (<c>?watch=true&amp;fieldSelector=metadata.name=NAME</c>), as kubectl wait does,
/// instead of asking again and again. A watch that ends (the daemon stopping, a client that fell behind) or breaks
/// is listed and watched again, after a pause that grows to a second; a daemon that is gone is the client's one-line
/// <see cref="DaemonUnreachableException"/>. A wait never runs past its limit.
/// </summary>
internal sealed class ObjectWaiter(SupClient client, TimeProvider time)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>Gives <paramref name="until"/> the object's JSON (null while there is none) now and after each
    /// change, until it returns true or <paramref name="limit"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none) passes.</summary>
    /// <returns>Met and the JSON <paramref name="until"/> accepted; or not met, once the limit passed first.</returns>
    /// <param name="ns">the object's namespace (null: the client's)</param>
    public async Task<(bool Met, string? Json)> UntilAsync(KindInfo kind, string name, Func<string?, bool> until, TimeSpan limit, CancellationToken cancel = default, string? ns = null)
    {
        using var expiry = limit == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(Max(limit, TimeSpan.Zero), time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token, cancel);
        var pause = FirstPause;
        var first = true;
        try
        {
            while (true)
            {
                // The first look is not cut short by the limit: a wait with no time left still says how things are.
                var (json, resourceVersion) = await CurrentAsync(kind, name, ns, first ? cancel : wait.Token).ConfigureAwait(false);
                first = false;
                if (until(json)) return (true, json);
                if (await FollowAsync(kind, name, ns, resourceVersion, until, wait.Token).ConfigureAwait(false) is { } met) return met;
                await Task.Delay(pause, time, wait.Token).ConfigureAwait(false);
                pause = Min(pause * 2, LongestPause);
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            return (false, null);
        }
    }

    /// <summary>Waits for the daemon's socket to answer, as a daemon that is still starting publishes it only once its
    /// API answers (`sup run ... &amp; sup wait ...` in a script). Only "nothing listens there yet" is waited out: a
    /// socket this user may not use, or a daemon of another user, fails at once.</summary>
    /// <returns>null once it answers; else the last reason it did not, when <paramref name="limit"/> passed.</returns>
    public async Task<DaemonUnreachableException?> UntilReachableAsync(TimeSpan limit, CancellationToken cancel = default)
    {
        var start = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                await client.SendAsync(HttpMethod.Get, "/healthz", cancel: cancel).ConfigureAwait(false);
                return null;
            }
            catch (DaemonUnreachableException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: not System.Net.Sockets.SocketError.AccessDenied })
            {
                var left = limit == Timeout.InfiniteTimeSpan ? LongestPause : limit - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero) return e;
                await Task.Delay(Min(pause, left), time, cancel).ConfigureAwait(false);
                pause = Min(pause * 2, LongestPause);
            }
        }
    }

    /// <summary>The object now (null: there is none), and the resourceVersion to watch it from.</summary>
    private async Task<(string? Json, string? ResourceVersion)> CurrentAsync(KindInfo kind, string name, string? ns, CancellationToken cancel)
    {
        var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(kind, null, NameSelector(name), ns), cancel: cancel).ConfigureAwait(false);
        if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
        using var list = JsonDocument.Parse(body);
        var root = list.RootElement;
        var resourceVersion = root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
        var json = root.TryGetProperty("items", out var items) && items.GetArrayLength() > 0 ? items[0].GetRawText() : null;
        return (json, resourceVersion);
    }

    /// <returns>Met and the JSON accepted; null when the watch ended or broke first.</returns>
    private async Task<(bool Met, string? Json)?> FollowAsync(KindInfo kind, string name, string? ns, string? resourceVersion, Func<string?, bool> until, CancellationToken cancel)
    {
        var query = "watch=true" + (resourceVersion is null ? "" : "&resourceVersion=" + Uri.EscapeDataString(resourceVersion)) + "&" + NameSelector(name);
        try
        {
            await using var stream = await client.StreamAsync(client.Path(kind, null, query, ns), null, cancel).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                using var change = JsonDocument.Parse(line);
                var type = change.RootElement.GetProperty("type").GetString();
                // An ERROR event holds a Status (410 Expired: the version listed is older than the watch history), not
                // the object: list again, as client-go's reflector does.
                if (type == "ERROR") break;
                var json = type == "DELETED" ? null : change.RootElement.GetProperty("object").GetRawText();
                if (until(json)) return (true, json);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The connection broke mid-stream (or was cut by the limit): list again, and a daemon that is gone says so.
        }
        cancel.ThrowIfCancellationRequested();
        return null;
    }

    private static string NameSelector(string name) => "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
