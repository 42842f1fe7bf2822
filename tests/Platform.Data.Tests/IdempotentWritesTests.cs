using Microsoft.AspNetCore.Http;
using Platform.Data.Tests.Support;
using Platform.Hosting.Http;

namespace Platform.Data.Tests;

/// <summary>Against the real database, each test in its own migrated throwaway schema.</summary>
public sealed class IdempotentWritesTests : IAsyncLifetime
{
    private static readonly Guid UserId = Guid.Parse("11111111-2222-4333-8444-555555555555");
    private static readonly byte[] LampBody = Requests.Body("""{"name":"lamp"}""");

    private TestSchema _schema = null!;
    private IdempotentWrites _writes = null!;
    private WidgetWrite _write = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateMigratedAsync();
        _writes = new IdempotentWrites(_schema.Database);
        _write = new WidgetWrite(_schema.Name, UserId);
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Without_a_key_every_call_runs_the_write_and_commits_it()
    {
        var first = await _writes.ExecuteAsync(Requests.Post(), UserId, LampBody, _write.Succeeds());
        var second = await _writes.ExecuteAsync(Requests.Post(), UserId, LampBody, _write.Succeeds());

        Assert.Equal(StatusCodes.Status201Created, first.StatusCode);
        Assert.NotEqual(first.Text(), second.Text());
        Assert.Equal(2, _write.Calls);
        Assert.Equal(2, await Widgets());
        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {schema}.idempotency_keys"));
    }

    [Fact]
    public async Task Without_a_key_a_refused_write_is_rolled_back()
    {
        var response = await _writes.ExecuteAsync(Requests.Post(), UserId, LampBody, _write.Refused());

        Assert.Equal(StatusCodes.Status409Conflict, response.StatusCode);
        Assert.Equal(0, await Widgets());
    }

    [Fact]
    public async Task Same_key_and_body_replays_the_stored_response_without_a_second_effect()
    {
        var first = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-1"), UserId, LampBody, _write.Succeeds());

        var retry = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-1"), UserId, LampBody, _write.Succeeds("other"));

        Assert.Equal(first.StatusCode, retry.StatusCode);
        Assert.Equal(first.Text(), retry.Text());
        Assert.IsType<RawJson>(retry.Body);
        Assert.Equal("true", retry.Headers[IdempotentWrites.ReplayedHeader]);
        Assert.False(first.Headers.ContainsKey(IdempotentWrites.ReplayedHeader));
        Assert.Equal(1, _write.Calls);
        Assert.Equal(1, await Widgets());
    }

    [Fact]
    public async Task Replay_keeps_the_location_header_of_the_first_response()
    {
        var first = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-loc"), UserId, LampBody, _write.Succeeds());

        var retry = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-loc"), UserId, LampBody, _write.Succeeds());

        Assert.Equal(first.Headers["Location"], retry.Headers.GetValueOrDefault("Location"));
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422_without_a_second_effect()
    {
        await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-2"), UserId, LampBody, _write.Succeeds());

        var other = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-2"), UserId, Requests.Body("""{"name":"sofa"}"""), _write.Succeeds());

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, other.StatusCode);
        Assert.Equal(1, _write.Calls);
    }

    [Fact]
    public async Task Same_key_on_another_route_is_422()
    {
        await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-3"), UserId, LampBody, _write.Succeeds());

        var other = await _writes.ExecuteAsync(Requests.Post("/api/gadgets", "key-3"), UserId, LampBody, _write.Succeeds());

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, other.StatusCode);
    }

    [Fact]
    public async Task Keys_belong_to_one_user()
    {
        var otherUser = Guid.Parse("99999999-8888-4777-8666-555555555555");
        await _writes.ExecuteAsync(Requests.Post("/api/widgets", "shared"), UserId, LampBody, _write.Succeeds());

        var theirs = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "shared"), otherUser, LampBody, _write.Succeeds());

        Assert.False(theirs.Headers.ContainsKey(IdempotentWrites.ReplayedHeader));
        Assert.Equal(2, _write.Calls);
    }

    [Fact]
    public async Task Failed_write_releases_the_key_for_a_corrected_retry()
    {
        var refused = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-4"), UserId, LampBody, _write.Refused());

        var retry = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-4"), UserId, LampBody, _write.Succeeds());

        Assert.Equal(StatusCodes.Status409Conflict, refused.StatusCode);
        Assert.Equal(StatusCodes.Status201Created, retry.StatusCode);
        Assert.False(retry.Headers.ContainsKey(IdempotentWrites.ReplayedHeader));
        Assert.Equal(2, _write.Calls);
        Assert.Equal(1, await Widgets());
    }

    [Fact]
    public async Task Write_that_throws_releases_the_key()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _writes.ExecuteAsync(
            Requests.Post("/api/widgets", "key-5"), UserId, LampBody, _ => throw new InvalidOperationException("bug")));

        var retry = await _writes.ExecuteAsync(Requests.Post("/api/widgets", "key-5"), UserId, LampBody, _write.Succeeds());

        Assert.Equal(StatusCodes.Status201Created, retry.StatusCode);
        Assert.Equal(1, await Widgets());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    [InlineData("tab\tkey")]
    public async Task Key_that_is_not_visible_ascii_is_400(string key)
    {
        await AssertKeyRejectedAsync(Requests.Post("/api/widgets", key));
    }

    [Fact]
    public async Task Key_longer_than_200_characters_is_400_and_200_is_accepted()
    {
        await AssertKeyRejectedAsync(Requests.Post("/api/widgets", new string('k', 201)));

        var ok = await _writes.ExecuteAsync(Requests.Post("/api/widgets", new string('k', 200)), UserId, LampBody, _write.Succeeds());
        Assert.Equal(StatusCodes.Status201Created, ok.StatusCode);
    }

    [Fact]
    public async Task Two_key_headers_are_400()
    {
        await AssertKeyRejectedAsync(Requests.Post("/api/widgets", "a", "b"));
    }

    private async Task AssertKeyRejectedAsync(HttpRequest request)
    {
        var response = await _writes.ExecuteAsync(request, UserId, LampBody, _write.Succeeds());

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        Assert.True(response.Json().GetProperty("errors").TryGetProperty(IdempotentWrites.HeaderName, out _));
        Assert.Equal(0, _write.Calls);
    }

    private Task<long> Widgets() => _schema.ScalarAsync<long>("select count(*) from {schema}.widgets");
}
