using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Hosting;

public sealed class StandaloneErrorMiddlewareTests
{
    private readonly RecordingLogger<StandaloneErrorMiddleware> _logger = new();

    [Fact]
    public async Task Unexpected_exception_becomes_a_500_problem_without_the_exception_text()
    {
        var failure = new InvalidOperationException("Npgsql: password authentication failed for user 'service_admin'");

        var written = await RunAsync(_ => throw failure);

        Assert.Equal(StatusCodes.Status500InternalServerError, written.Status);
        Assert.StartsWith("application/problem+json", written.ContentType, StringComparison.Ordinal);
        Assert.DoesNotContain("service_admin", written.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), written.Text, StringComparison.Ordinal);
        Assert.Equal("Internal server error", written.Json.GetProperty("title").GetString());
        var logged = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Same(failure, logged.Exception);
    }

    [Fact]
    public async Task Exception_discards_headers_the_function_had_already_set()
    {
        var written = await RunAsync(c =>
        {
            c.Response.Headers["X-Partial"] = "yes";
            throw new InvalidOperationException("boom");
        });

        Assert.Null(written.Header("X-Partial"));
    }

    [Fact]
    public async Task Timeout_becomes_a_503_with_retry_after()
    {
        var written = await RunAsync(_ => throw new TimeoutException("db timed out"));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, written.Status);
        Assert.Equal("5", written.Header("Retry-After"));
        Assert.DoesNotContain("db timed out", written.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transient_inner_exception_becomes_a_503()
    {
        var written = await RunAsync(_ => throw new InvalidOperationException("wrapped", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, written.Status);
    }

    [Fact]
    public async Task Oversized_request_from_the_server_becomes_a_413_problem()
    {
        var written = await RunAsync(_ => throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, written.Status);
        Assert.Equal(413, written.Json.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Cancellation_by_a_client_that_went_away_sets_499_without_throwing()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var context = Responses.NewContext();
        context.RequestAborted = aborted.Token;

        var written = await RunAsync(_ => throw new OperationCanceledException(aborted.Token), context);

        Assert.Equal(499, written.Status);
    }

    [Fact]
    public async Task Bare_405_from_routing_gets_a_problem_body()
    {
        var written = await RunAsync(c =>
        {
            c.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCodes.Status405MethodNotAllowed, written.Status);
        Assert.StartsWith("application/problem+json", written.ContentType, StringComparison.Ordinal);
        Assert.Equal("Method not allowed", written.Json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Error_response_with_its_own_body_is_left_alone()
    {
        var written = await RunAsync(async c =>
        {
            c.Response.StatusCode = StatusCodes.Status409Conflict;
            c.Response.ContentType = "application/problem+json";
            await c.Response.WriteAsync("{\"status\":409}");
        });

        Assert.Equal("{\"status\":409}", written.Text);
    }

    [Fact]
    public async Task Successful_response_is_left_alone()
    {
        var written = await RunAsync(c =>
        {
            c.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCodes.Status204NoContent, written.Status);
        Assert.Equal(string.Empty, written.Text);
    }

    [Fact]
    public async Task Exception_after_the_response_started_is_rethrown()
    {
        var context = Responses.NewContext();
        context.Features.Set<IHttpResponseFeature>(new StartedResponseFeature());
        var middleware = new StandaloneErrorMiddleware(_ => throw new InvalidOperationException("late"), _logger);

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));
    }

    private async Task<WrittenResponse> RunAsync(RequestDelegate next, HttpContext? context = null)
    {
        context ??= Responses.NewContext();
        await new StandaloneErrorMiddleware(next, _logger).InvokeAsync(context);
        return Responses.Read(context);
    }

    private sealed class StartedResponseFeature : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
