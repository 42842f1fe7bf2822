using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class JsonBodyTests
{
    [Fact]
    public async Task ReadAsync_parses_a_snake_case_object_and_keeps_the_raw_bytes()
    {
        const string json = """{"full_name":"Ann","count":3,"color":"dark_blue"}""";

        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request(json));

        Assert.True(body.IsValid);
        Assert.Equal(new SampleBody("Ann", 3, SampleColor.DarkBlue), body.Value);
        Assert.Equal(Encoding.UTF8.GetBytes(json), body.Raw);
    }

    [Theory]
    [InlineData("{full_name: 1}")]
    [InlineData("""{"full_name":"Ann",}""")]
    [InlineData("""{"full_name":"Ann" /* comment */}""")]
    [InlineData("""{"full_name":"Ann""")]
    [InlineData("""{"full_name":""")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public async Task ReadAsync_returns_400_for_malformed_truncated_or_non_object_json(string json)
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request(json));

        await AssertProblemAsync(body, StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task ReadAsync_returns_400_for_a_literal_null_body()
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request("null"));

        var written = await AssertProblemAsync(body, StatusCodes.Status400BadRequest);
        Assert.Contains("not null", written.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"count":"three"}""", "count")]
    [InlineData("""{"count":1.5}""", "count")]
    [InlineData("""{"full_name":42}""", "full_name")]
    [InlineData("""{"color":"green"}""", "color")]
    [InlineData("""{"color":1}""", "color")]
    public async Task ReadAsync_names_the_field_with_the_wrong_type_in_errors(string json, string field)
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request(json));

        var written = await AssertProblemAsync(body, StatusCodes.Status400BadRequest);
        Assert.True(written.Json.GetProperty("errors").TryGetProperty(field, out _), written.Text);
    }

    [Fact]
    public async Task ReadAsync_returns_413_from_content_length_above_64_KiB_without_reading_the_body()
    {
        var request = Responses.Request("{}");
        request.ContentLength = JsonBody.MaxBytes + 1;
        request.Body = new ThrowingStream();

        var body = await JsonBody.ReadAsync<SampleBody>(request);

        await AssertProblemAsync(body, StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task ReadAsync_returns_413_for_a_body_above_64_KiB_sent_without_content_length()
    {
        var request = Responses.Request(JsonOfSize(JsonBody.MaxBytes + 1), withLength: false);

        var body = await JsonBody.ReadAsync<SampleBody>(request);

        await AssertProblemAsync(body, StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task ReadAsync_accepts_a_body_of_exactly_64_KiB()
    {
        var request = Responses.Request(JsonOfSize(JsonBody.MaxBytes), withLength: false);

        var body = await JsonBody.ReadAsync<SampleBody>(request);

        Assert.True(body.IsValid);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/json+xml")]
    [InlineData("not a media type")]
    public async Task ReadAsync_returns_415_for_a_non_json_content_type(string contentType)
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request("""{"count":1}""", contentType));

        await AssertProblemAsync(body, StatusCodes.Status415UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/merge-patch+json")]
    public async Task ReadAsync_accepts_json_media_types_and_a_missing_content_type(string? contentType)
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request("""{"count":1}""", contentType));

        Assert.True(body.IsValid);
        Assert.Equal(1, body.Value!.Count);
    }

    [Fact]
    public async Task ReadAsync_returns_400_for_an_empty_body()
    {
        var body = await JsonBody.ReadAsync<SampleBody>(Responses.Request(string.Empty));

        var written = await AssertProblemAsync(body, StatusCodes.Status400BadRequest);
        Assert.Equal("A JSON body is required.", written.Json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("$.location.city", "location.city")]
    [InlineData("$['full_name']", "full_name")]
    [InlineData("$.count", "count")]
    [InlineData("$", null)]
    [InlineData(null, null)]
    public void FieldOf_turns_a_json_path_into_a_field_name(string? path, string? field)
    {
        Assert.Equal(field, JsonBody.FieldOf(path));
    }

    private static async Task<WrittenResponse> AssertProblemAsync(BodyResult<SampleBody> body, int status)
    {
        Assert.False(body.IsValid);
        Assert.Null(body.Value);
        var written = await body.Problem!.RunAsync();
        Assert.Equal(status, written.Status);
        Assert.StartsWith("application/problem+json", written.ContentType, StringComparison.Ordinal);
        return written;
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static string JsonOfSize(int size)
    {
        const string prefix = "{\"full_name\":\"";
        const string suffix = "\"}";
        return prefix + new string('a', size - prefix.Length - suffix.Length) + suffix;
    }

    public enum SampleColor
    {
        Red,
        DarkBlue,
    }

    public sealed record SampleBody(string? FullName, int? Count, SampleColor? Color);

    private sealed class ThrowingStream : MemoryStream
    {
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The body must not be read.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The body must not be read.");
    }
}
