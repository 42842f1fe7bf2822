using Dapper;
using Npgsql;
using Platform.Contracts.Events;
using Platform.Data.Tests.Support;

namespace Platform.Data.Tests;

/// <summary>
/// The unit of work's commit against the real database: a change and its events commit together or
/// not at all, also now that the outbox rows and the commit travel in one round trip.
/// </summary>
public sealed class UnitOfWorkTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateMigratedAsync();
        // A deferred foreign key: a row that breaks it is refused by the commit itself.
        await _schema.ExecuteAsync(
            "create table {schema}.things (id int primary key, parent int references {schema}.things (id) deferrable initially deferred)");
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_commit_keeps_the_change_and_its_events_together_then_runs_the_after_commit_actions()
    {
        var ran = false;
        await using (var uow = await _schema.Database.BeginAsync())
        {
            await Insert(uow, id: 1, parent: null);
            uow.Publish(Created("first"));
            uow.Publish(Created("second"));
            uow.AfterCommit(() => ran = true);

            await uow.CommitAsync();

            Assert.True(ran);
        }

        Assert.Equal([1], await _schema.QueryAsync<int>("select id from {schema}.things"));
        Assert.Equal(2, await _schema.ScalarAsync<long>("select count(*) from {schema}.outbox where event_type = 'donation.created' and sent_at is null"));
        await AssertPoolStillWorksAsync();
    }

    [Fact]
    public async Task A_commit_the_server_refuses_keeps_neither_the_change_nor_its_events()
    {
        var ran = false;
        await using (var uow = await _schema.Database.BeginAsync())
        {
            await Insert(uow, id: 2, parent: 999); // no such parent: refused at commit
            uow.Publish(Created("orphan"));
            uow.AfterCommit(() => ran = true);

            var refused = await Assert.ThrowsAsync<PostgresException>(() => uow.CommitAsync());

            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
            Assert.False(ran);
        }

        Assert.Empty(await _schema.QueryAsync<int>("select id from {schema}.things"));
        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {schema}.outbox"));
        await AssertPoolStillWorksAsync();
    }

    [Fact]
    public async Task After_a_failed_statement_the_commit_writes_no_event()
    {
        await _schema.ExecuteAsync("insert into {schema}.things (id) values (3)");
        await using (var uow = await _schema.Database.BeginAsync())
        {
            await Assert.ThrowsAsync<PostgresException>(() => Insert(uow, id: 3, parent: null)); // duplicate key
            uow.Publish(Created("after failure"));

            var refused = await Assert.ThrowsAsync<PostgresException>(() => uow.CommitAsync());

            Assert.Equal(PostgresErrorCodes.InFailedSqlTransaction, refused.SqlState);
        }

        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {schema}.outbox"));
        await AssertPoolStillWorksAsync();
    }

    private Task Insert(UnitOfWork uow, int id, int? parent) => uow.Connection.ExecuteAsync(
        $"insert into {_schema.Name}.things (id, parent) values (@id, @parent)", new { id, parent }, uow.Transaction);

    private static DonationCreated Created(string title) =>
        new(new DonationSnapshot(Guid.NewGuid(), Guid.NewGuid(), title, "other", "pending", 1));

    /// <summary>The pooled connections are back in a clean state: a new unit commits a change and an event.</summary>
    private async Task AssertPoolStillWorksAsync()
    {
        var id = Random.Shared.Next(1_000, 1_000_000);
        await using (var uow = await _schema.Database.BeginAsync())
        {
            await Insert(uow, id, parent: null);
            uow.Publish(Created("next"));
            await uow.CommitAsync();
        }

        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {schema}.things where id = @id", new { id }));
    }
}
