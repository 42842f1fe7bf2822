using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class ApiResponseTests
{
    [Fact]
    public async Task ExecuteAsync_writes_raw_json_byte_for_byte()
    {
        const string json = "{ \"KeepMe\" :1,\n  \"emoji\":\"\u00e9\" }";

        var written = await new ApiResponse(StatusCodes.Status201Created, new RawJson(Encoding.UTF8.GetBytes(json))).RunAsync();

        Assert.Equal(StatusCodes.Status201Created, written.Status);
        Assert.Equal(json, written.Text);
        Assert.Equal(ApiResponse.JsonContentType, written.ContentType);
    }

    [Fact]
    public async Task ExecuteAsync_serializes_objects_in_snake_case_and_applies_headers()
    {
        var response = new ApiResponse(StatusCodes.Status200OK, new { FullName = "Ann", NextCursor = (string?)null })
            .WithHeader("Cache-Control", "no-store");

        var written = await response.RunAsync();

        Assert.Equal("""{"full_name":"Ann","next_cursor":null}""", written.Text);
        Assert.Equal("no-store", written.Header("Cache-Control"));
    }

    [Fact]
    public async Task ExecuteAsync_writes_nothing_for_204_without_body()
    {
        var written = await new ApiResponse(StatusCodes.Status204NoContent, null).RunAsync();

        Assert.Equal(StatusCodes.Status204NoContent, written.Status);
        Assert.Equal(string.Empty, written.Text);
        Assert.Null(written.ContentType);
    }

    [Fact]
    public async Task SerializeBody_matches_what_ExecuteAsync_writes()
    {
        var response = new ApiResponse(StatusCodes.Status200OK, new { Title = "Lamp", Count = 2 });

        var written = await response.RunAsync();

        Assert.Equal(written.Text, Encoding.UTF8.GetString(response.SerializeBody()));
    }

    [Fact]
    public void SerializeBody_returns_raw_json_unchanged()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"a" : 1}""");

        Assert.Equal(bytes, new ApiResponse(200, new RawJson(bytes)).SerializeBody());
    }

    [Theory]
    [InlineData(199, false)]
    [InlineData(200, true)]
    [InlineData(204, true)]
    [InlineData(299, true)]
    [InlineData(300, false)]
    [InlineData(409, false)]
    public void IsSuccess_is_true_only_for_2xx(int status, bool success)
    {
        Assert.Equal(success, new ApiResponse(status, null).IsSuccess);
    }
}
