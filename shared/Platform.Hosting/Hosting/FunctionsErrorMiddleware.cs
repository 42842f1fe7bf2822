using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Hosting;

/// <summary>
/// The same error boundary as standalone mode, as Functions worker middleware; it also sets what
/// standalone mode's middleware sets on every response (the correlation id, the exposed headers).
/// </summary>
internal sealed class FunctionsErrorMiddleware(ILogger<FunctionsErrorMiddleware> logger, ExposedHeaders exposedHeaders) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } request)
        {
            Correlation.Apply(request);
            exposedHeaders.Apply(request);
        }

        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            var http = context.GetHttpContext();
            if (http is null || http.Response.HasStarted)
            {
                throw;
            }

            await ErrorResponses.WriteAsync(http, ex, logger);
        }
    }
}
