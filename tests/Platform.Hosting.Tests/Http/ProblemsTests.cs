using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class ProblemsTests
{
    [Fact]
    public async Task Problem_is_written_as_problem_json_with_type_title_status_and_detail()
    {
        var written = await Problems.NotFound("No such donation.").RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, written.Status);
        Assert.Equal("application/problem+json; charset=utf-8", written.ContentType);
        var json = written.Json;
        Assert.Equal("https://httpstatuses.io/404", json.GetProperty("type").GetString());
        Assert.Equal("Not found", json.GetProperty("title").GetString());
        Assert.Equal(404, json.GetProperty("status").GetInt32());
        Assert.Equal("No such donation.", json.GetProperty("detail").GetString());
        Assert.False(json.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task ExecuteAsync_writes_the_request_trace_identifier_as_trace_id()
    {
        Assert.Null(Activity.Current);
        var context = Responses.NewContext();
        context.TraceIdentifier = "0HN-request-42";

        var written = await Problems.Conflict("state").RunAsync(context);

        Assert.Equal("0HN-request-42", written.Json.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_prefers_the_w3c_trace_id_of_the_current_activity()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var context = Responses.NewContext();
        context.TraceIdentifier = "0HN-request-42";

        var written = await Problems.Unexpected().RunAsync(context);

        Assert.Equal(activity.TraceId.ToHexString(), written.Json.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task Unauthorized_carries_a_bearer_challenge()
    {
        var written = await Problems.Unauthorized("Sign in.").RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, written.Status);
        Assert.Equal("Bearer", written.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Unavailable_carries_retry_after()
    {
        var defaulted = await Problems.Unavailable("db down").RunAsync();
        var custom = await Problems.Unavailable("db down", 30).RunAsync();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, defaulted.Status);
        Assert.Equal("5", defaulted.Header("Retry-After"));
        Assert.Equal("30", custom.Header("Retry-After"));
    }

    [Fact]
    public async Task Validation_lists_errors_per_field()
    {
        var written = await Problems.Validation("title", "is required").RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, written.Status);
        Assert.Equal("is required", written.Json.GetProperty("errors").GetProperty("title")[0].GetString());
    }

    [Fact]
    public async Task Unexpected_is_a_500_that_says_nothing_about_internals()
    {
        var written = await Problems.Unexpected().RunAsync();

        Assert.Equal(StatusCodes.Status500InternalServerError, written.Status);
        Assert.Contains("trace_id", written.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "Not found")]
    [InlineData(405, "Method not allowed")]
    [InlineData(413, "Payload too large")]
    [InlineData(415, "Unsupported media type")]
    [InlineData(429, "Too Many Requests")]
    [InlineData(599, "Error")]
    public async Task ForStatus_gives_a_bare_status_a_problem_body(int status, string title)
    {
        var written = await Problems.ForStatus(status).RunAsync();

        Assert.Equal(status, written.Status);
        Assert.Equal(title, written.Json.GetProperty("title").GetString());
        Assert.Equal(status, written.Json.GetProperty("status").GetInt32());
    }
}
