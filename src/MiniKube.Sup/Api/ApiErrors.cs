using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>
/// The API's last line: a request whose handler throws is answered with a Kubernetes Status that says why, never an
/// empty 500. k8s: the API server turns an error that is not already a Status into a 500 Status carrying the error's
/// message and no reason (responsewriters.ErrorToAPIStatus) — so a full etcd reads "Error from server: etcdserver: mvcc:
/// database space exceeded" in kubectl; here a full disk reads "no space left on device writing …/sup.db".
/// </summary>
public sealed partial class ApiErrors(ILogger logger)
{
    /// <summary>k8s: the API server's limit on a request body (apiserver MaxRequestBodyBytes, 3 MiB); a larger body is
    /// refused with 413 "Request entity too large: limit is 3145728". Objects themselves are limited to 1 MiB
    /// (<see cref="Spec.ObjectSizeLimit"/>).</summary>
    public const long MaxRequestBodyBytes = 3 * 1024 * 1024;

    public async Task HandleAsync(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The client's mistake, not the daemon's: said to the client, not logged as an error.
            LogRefused(logger, ctx.Request.Method, ctx.Request.Path.Value ?? "", e.Message);
            await AnswerAsync(ctx, 413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxRequestBodyBytes}").ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            LogRefused(logger, ctx.Request.Method, ctx.Request.Path.Value ?? "", e.Message);
            await AnswerAsync(ctx, e.StatusCode, "BadRequest", e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (StateStoreException e)
        {
            LogStoreFailed(logger, ctx.Request.Method, ctx.Request.Path.Value ?? "", e.Message);
            await AnswerAsync(ctx, 500, null, e.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, ctx.Request.Method, ctx.Request.Path.Value ?? "");
            await AnswerAsync(ctx, 500, "InternalError", $"Internal error occurred: {e.Message}").ConfigureAwait(false);
        }
    }

    private static Task AnswerAsync(HttpContext ctx, int code, string? reason, string message)
    {
        if (ctx.Response.HasStarted)
        {
            // Too late for a Status (a watch or a log stream was under way): end the response so the client sees it cut.
            ctx.Abort();
            return Task.CompletedTask;
        }
        ctx.Response.Clear();
        return ApiStatus.Write(ctx, code, reason, message, null, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, string method, string path);
}
