using Microsoft.Extensions.Logging.Abstractions;
using Platform.Data.Tests.Support;

namespace Platform.Data.Tests;

/// <summary>The retention sweep against the real database, in a throwaway migrated schema.</summary>
public sealed class RetentionSweeperTests : IAsyncLifetime
{
    private static readonly RetentionOptions Retention = new();

    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateMigratedAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_sweep_deletes_only_rows_past_their_retention_and_never_an_unsent_outbox_row()
    {
        // Each table gets a row just past its retention and one just inside it; the outbox also an
        // unsent row as old as the expired one (the relay still owes it) and a parked one.
        await _schema.ExecuteAsync(
            """
            insert into {schema}.outbox (event_id, event_type, envelope, created_at, sent_at, parked_at) values
              (gen_random_uuid(), 'expired', '{}', now() - @outboxPast, now() - @outboxPast, null),
              (gen_random_uuid(), 'kept', '{}', now() - @outboxInside, now() - @outboxInside, null),
              (gen_random_uuid(), 'unsent', '{}', now() - @outboxPast, null, null),
              (gen_random_uuid(), 'parked', '{}', now() - @outboxPast, null, now() - @outboxPast);
            insert into {schema}.inbox (message_id, event_type, handled_at) values
              ('expired', 'x', now() - @inboxPast), ('kept', 'x', now() - @inboxInside);
            insert into {schema}.idempotency_keys (user_id, key, request_hash, status_code, response_body, created_at) values
              (gen_random_uuid(), 'expired', '\x00', 201, '{}', now() - @keysPast),
              (gen_random_uuid(), 'kept', '\x00', 201, '{}', now() - @keysInside);
            """,
            new
            {
                outboxPast = Retention.Outbox + TimeSpan.FromHours(1),
                outboxInside = Retention.Outbox - TimeSpan.FromHours(1),
                inboxPast = Retention.Inbox + TimeSpan.FromHours(1),
                inboxInside = Retention.Inbox - TimeSpan.FromHours(1),
                keysPast = Retention.IdempotencyKeys + TimeSpan.FromMinutes(5),
                keysInside = Retention.IdempotencyKeys - TimeSpan.FromMinutes(5),
            });
        var sweeper = new RetentionSweeper(_schema.Database, Retention, NullLogger<RetentionSweeper>.Instance);

        var removed = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(3, removed);
        Assert.Equal(["kept", "parked", "unsent"], await _schema.QueryAsync<string>("select event_type from {schema}.outbox order by event_type"));
        Assert.Equal(["kept"], await _schema.QueryAsync<string>("select message_id from {schema}.inbox"));
        Assert.Equal(["kept"], await _schema.QueryAsync<string>("select key from {schema}.idempotency_keys"));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_first_sweep_waits_for_its_delay_after_start()
    {
        await _schema.ExecuteAsync(
            "insert into {schema}.inbox (message_id, event_type, handled_at) values ('expired', 'x', now() - @age)",
            new { age = Retention.Inbox + TimeSpan.FromHours(1) });
        var options = new RetentionOptions { FirstSweepDelay = TimeSpan.FromSeconds(3) };
        var sweeper = new RetentionSweeper(_schema.Database, options, NullLogger<RetentionSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.Equal(1L, await _schema.ScalarAsync<long>("select count(*) from {schema}.inbox"));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await _schema.ScalarAsync<long>("select count(*) from {schema}.inbox") > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {schema}.inbox"));
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }
}
