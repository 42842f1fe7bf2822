using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Http;

namespace Platform.Hosting.Hosting;

/// <summary>
/// Standalone mode's error boundary: an unexpected exception becomes a 500 problem+json without
/// internals; a bare error status from the framework (404, 405, 413) gets a problem body.
/// </summary>
internal sealed class StandaloneErrorMiddleware(RequestDelegate next, ILogger<StandaloneErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        Correlation.Apply(context);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await ErrorResponses.WriteAsync(context, ex, logger);
            return;
        }

        if (context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null } response
            && string.IsNullOrEmpty(response.ContentType))
        {
            await Problems.ForStatus(response.StatusCode).ExecuteAsync(context);
        }
    }
}

/// <summary>Maps an exception that escaped a function to the response a client may see.</summary>
internal static class ErrorResponses
{
    private static readonly string[] KeptHeaders = [Correlation.HeaderName, "Access-Control-Expose-Headers"];

    public static Task WriteAsync(HttpContext context, Exception exception, ILogger logger)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads a body; record the conventional 499 for the logs.
            context.Response.StatusCode = 499;
            return Task.CompletedTask;
        }

        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.PayloadTooLarge(),
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, "Bad request", "The request could not be read."),
            _ when TransientFailure.IsTransient(exception) => Problems.Unavailable("A dependency is temporarily unavailable; retry shortly."),
            _ => ExceptionMapping.Map(exception) ?? Problems.Unexpected(),
        };

        if (problem.StatusCode >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed with {Status}", context.Request.Method, context.Request.Path.Value, problem.StatusCode);
        }
        else
        {
            logger.LogWarning(exception, "Request {Method} {Path} was refused late with {Status}; validation should have caught it", context.Request.Method, context.Request.Path.Value, problem.StatusCode);
        }

        // Clear() drops every header; the ones set for every response before the function ran
        // (the correlation id, the headers exposed to a browser) still belong to this one.
        var kept = KeptHeaders.Select(name => (name, value: context.Response.Headers[name])).Where(h => h.value.Count > 0).ToList();
        context.Response.Clear();
        foreach (var (name, value) in kept)
        {
            context.Response.Headers[name] = value;
        }

        return problem.ExecuteAsync(context);
    }
}
