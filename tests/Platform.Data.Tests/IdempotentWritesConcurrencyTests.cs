using Microsoft.AspNetCore.Http;
using Platform.Data.Tests.Support;

namespace Platform.Data.Tests;

/// <summary>Concurrent retries with one key against the real database.</summary>
public sealed class IdempotentWritesConcurrencyTests : IAsyncLifetime
{
    private static readonly Guid UserId = Guid.Parse("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");

    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateMigratedAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Twenty_concurrent_calls_with_one_key_commit_one_effect_and_all_get_the_same_body()
    {
        var writes = new IdempotentWrites(_schema.Database);
        var write = new WidgetWrite(_schema.Name, UserId);
        var body = Requests.Body("""{"name":"lamp"}""");
        using var start = new ManualResetEventSlim();

        var calls = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await writes.ExecuteAsync(Requests.Post("/api/widgets", "concurrent-key"), UserId, body, write.Succeeds());
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {schema}.widgets"));
        Assert.Equal(1, write.Calls);
        Assert.All(responses, r => Assert.Equal(StatusCodes.Status201Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Text()).Distinct());
        Assert.Equal(19, responses.Count(r => r.Headers.ContainsKey(IdempotentWrites.ReplayedHeader)));
    }

    [Fact]
    public async Task Concurrent_retries_after_a_refused_first_attempt_still_commit_one_effect()
    {
        var writes = new IdempotentWrites(_schema.Database);
        var write = new WidgetWrite(_schema.Name, UserId);
        var body = Requests.Body("""{"name":"lamp"}""");
        var refusedOnce = 0;

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            writes.ExecuteAsync(Requests.Post("/api/widgets", "flaky-key"), UserId, body, uow =>
                Interlocked.Exchange(ref refusedOnce, 1) == 0 ? write.Refused()(uow) : write.Succeeds()(uow)))));

        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {schema}.widgets"));
        Assert.Single(responses.Where(r => r.StatusCode == StatusCodes.Status201Created).Select(r => r.Text()).Distinct());
    }
}
