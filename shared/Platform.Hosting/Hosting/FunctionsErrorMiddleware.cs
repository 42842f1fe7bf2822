using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Hosting;

/// <summary>The same error boundary as standalone mode, as Functions worker middleware.</summary>
internal sealed class FunctionsErrorMiddleware(ILogger<FunctionsErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } request)
        {
            Correlation.Apply(request);
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
