using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class ResultTests
{
    private sealed record Item(Guid Id, string Name);

    private static readonly Item Thing = new(Guid.Parse("5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"), "lamp");

    [Fact]
    public async Task Ok_maps_to_200_with_the_value_as_body()
    {
        Result<Item> result = Thing;

        var written = await result.ToResponse().RunAsync();

        Assert.Equal(StatusCodes.Status200OK, written.Status);
        Assert.Equal("lamp", written.Json.GetProperty("name").GetString());
    }

    [Fact]
    public void Created_maps_to_201_with_location_when_given()
    {
        var response = Result.Created(Thing).ToResponse(i => $"/api/things/{i.Id}");

        Assert.Equal(StatusCodes.Status201Created, response.StatusCode);
        Assert.Equal($"/api/things/{Thing.Id}", response.Headers["Location"]);
    }

    [Fact]
    public void Created_maps_to_201_without_location_when_none_is_given()
    {
        var response = Result.Created(Thing).ToResponse();

        Assert.Equal(StatusCodes.Status201Created, response.StatusCode);
        Assert.False(response.Headers.ContainsKey("Location"));
    }

    [Fact]
    public void Accepted_maps_to_202()
    {
        Assert.Equal(StatusCodes.Status202Accepted, Result.Accepted(Thing).ToResponse().StatusCode);
    }

    [Fact]
    public async Task NoContent_maps_to_204_with_no_body()
    {
        var written = await new Result<Item>(ResultKind.NoContent, null, null).ToResponse().RunAsync();

        Assert.Equal(StatusCodes.Status204NoContent, written.Status);
        Assert.Equal(string.Empty, written.Text);
    }

    [Fact]
    public async Task Invalid_maps_to_400_with_the_field_errors()
    {
        Result<Item> result = Result.Invalid("name", "is required");

        var written = await result.ToResponse().RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, written.Status);
        Assert.Equal("is required", written.Json.GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Theory]
    [InlineData(ResultKind.Forbidden, StatusCodes.Status403Forbidden)]
    [InlineData(ResultKind.NotFound, StatusCodes.Status404NotFound)]
    [InlineData(ResultKind.Conflict, StatusCodes.Status409Conflict)]
    public async Task Failures_map_to_their_status_with_the_detail(ResultKind kind, int status)
    {
        var written = await new Failure(kind, "the detail").ToResponse().RunAsync();

        Assert.Equal(status, written.Status);
        Assert.Equal("the detail", written.Json.GetProperty("detail").GetString());
        Assert.StartsWith("application/problem+json", written.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_converts_to_any_result_keeping_kind_and_detail()
    {
        Result<int> result = Result.Conflict("state: claimed");

        Assert.False(result.IsSuccess);
        Assert.Equal(ResultKind.Conflict, result.Kind);
        Assert.Equal("state: claimed", result.Detail);
    }

    [Fact]
    public void ToResponse_throws_for_an_undefined_kind()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Result<Item>((ResultKind)99, null, null).ToResponse());
    }
}
