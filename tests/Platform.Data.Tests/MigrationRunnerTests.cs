using Dapper;
using Npgsql;
using Platform.Data.Tests.Support;
using Platform.Testing;

namespace Platform.Data.Tests;

/// <summary>Against the real database, each test in its own throwaway schema.</summary>
public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private static readonly string[] ServiceVersions = ["0001_widgets", "0002_widget_names"];

    private readonly TestSchema _schema = TestSchema.Create();

    /// <summary>The platform's own migrations (they grow with the platform), then this assembly's.</summary>
    private List<string> AllVersions => PlatformVersions.Concat(ServiceVersions).ToList();

    private List<string> PlatformVersions =>
        _schema.Runner(serviceAssembly: typeof(object).Assembly).Discover().Select(m => m.Version).ToList();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public void Discover_lists_platform_migrations_first_then_the_service_ones_in_order()
    {
        var migrations = _schema.Runner().Discover();

        Assert.Contains("platform-0001_idempotency_keys", PlatformVersions);
        Assert.All(PlatformVersions, v => Assert.StartsWith("platform-", v, StringComparison.Ordinal));
        Assert.Equal(PlatformVersions.Order(StringComparer.Ordinal), PlatformVersions);
        Assert.Equal(AllVersions, migrations.Select(m => m.Version));
        Assert.All(migrations, m => Assert.DoesNotContain("{schema}", m.Sql, StringComparison.Ordinal));
        Assert.Contains($"create table {_schema.Name}.widgets", migrations.Single(m => m.Version == "0001_widgets").Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_applies_platform_and_service_migrations_in_order_and_records_them()
    {
        var applied = await _schema.Runner().ApplyAsync(CancellationToken.None);

        Assert.Equal(AllVersions.Count, applied);
        var recorded = await _schema.QueryAsync<string>("select version from {schema}.schema_migrations order by applied_at, version");
        Assert.Equal(AllVersions, recorded);
        Assert.Equal(1, await _schema.ScalarAsync<int>(
            "select count(*) from information_schema.columns where table_schema = @s and table_name = 'widgets' and column_name = 'name'",
            new { s = _schema.Name }));
        Assert.Equal(1, await _schema.ScalarAsync<int>(
            "select count(*) from information_schema.tables where table_schema = @s and table_name = 'idempotency_keys'",
            new { s = _schema.Name }));
    }

    [Fact]
    public async Task ApplyAsync_records_each_migration_checksum()
    {
        var runner = _schema.Runner();
        await runner.ApplyAsync(CancellationToken.None);

        var stored = await _schema.QueryAsync<(string Version, string Checksum)>("select version, checksum from {schema}.schema_migrations");

        Assert.Equal(
            runner.Discover().Select(m => (m.Version, m.Checksum)).OrderBy(m => m.Version, StringComparer.Ordinal),
            stored.OrderBy(m => m.Version, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_applies_nothing_on_a_second_run()
    {
        await _schema.Runner().ApplyAsync(CancellationToken.None);

        var second = await _schema.Runner().ApplyAsync(CancellationToken.None);

        Assert.Equal(0, second);
        Assert.Equal(AllVersions.Count, await _schema.ScalarAsync<long>("select count(*) from {schema}.schema_migrations"));
    }

    [Fact]
    public async Task RunAsync_returns_0_when_up_to_date()
    {
        Assert.Equal(0, await _schema.Runner().RunAsync([], CancellationToken.None));
        Assert.Equal(0, await _schema.Runner().RunAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task Changed_migration_makes_ApplyAsync_throw_and_RunAsync_return_1()
    {
        await _schema.Runner().ApplyAsync(CancellationToken.None);
        await _schema.ExecuteAsync("update {schema}.schema_migrations set checksum = 'edited-after-release' where version = '0001_widgets'");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _schema.Runner().ApplyAsync(CancellationToken.None));
        var exitCode = await _schema.Runner().RunAsync([], CancellationToken.None);

        Assert.Contains("0001_widgets", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Failing_migration_is_rolled_back_and_not_recorded()
    {
        await _schema.Runner().ApplyAsync(CancellationToken.None);
        await _schema.ExecuteAsync("alter table {schema}.widgets drop column name");
        await _schema.ExecuteAsync("delete from {schema}.schema_migrations where version = '0001_widgets'");

        Assert.Equal(1, await _schema.Runner().RunAsync([], CancellationToken.None));

        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {schema}.schema_migrations where version = '0001_widgets'"));
    }

    [Fact]
    public async Task Two_concurrent_runners_apply_each_migration_once()
    {
        await using var otherSource = NpgsqlDataSource.Create(TestEnvironment.MainDb);
        var first = _schema.Runner();
        var second = _schema.Runner(database: new ServiceDatabase(otherSource, _schema.Name));

        var counts = await Task.WhenAll(
            Task.Run(() => first.ApplyAsync(CancellationToken.None)),
            Task.Run(() => second.ApplyAsync(CancellationToken.None)));

        Assert.Equal(AllVersions.Count, counts.Sum());
        Assert.Equal(AllVersions.Count, await _schema.ScalarAsync<long>("select count(*) from {schema}.schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_runners_on_an_existing_schema_apply_each_migration_once()
    {
        await _schema.ExecuteAsync("create schema {schema}");
        var runners = Enumerable.Range(0, 4).Select(_ => _schema.Runner()).ToList();

        var counts = await Task.WhenAll(runners.Select(r => Task.Run(() => r.ApplyAsync(CancellationToken.None))));

        Assert.Equal(AllVersions.Count, counts.Sum());
        Assert.Equal(AllVersions.Count, await _schema.ScalarAsync<long>("select count(*) from {schema}.schema_migrations"));
    }

    [Fact]
    public async Task ApplyAsync_waits_for_a_runner_that_holds_the_lock_while_creating_the_schema()
    {
        // What a concurrent runner does first: take the migration lock and create the schema, not yet committed.
        await using var other = await _schema.Database.BeginAsync();
        await other.Connection.ExecuteAsync(
            "select pg_advisory_xact_lock(hashtext(@key))", new { key = "migrations:" + _schema.Name }, other.Transaction);
        await other.Connection.ExecuteAsync($"create schema if not exists {_schema.Name}", transaction: other.Transaction);
        var application = "runner-" + _schema.Name;
        await using var runnerSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(TestEnvironment.MainDb) { ApplicationName = application }.ConnectionString);

        var apply = Task.Run(() => _schema.Runner(database: new ServiceDatabase(runnerSource, _schema.Name)).ApplyAsync(CancellationToken.None));
        await WaitUntilBlockedAsync(application);
        await other.CommitAsync();

        Assert.Equal(AllVersions.Count, await apply);
    }

    private async Task WaitUntilBlockedAsync(string application)
    {
        for (var i = 0; i < 200; i++)
        {
            var waiting = await _schema.ScalarAsync<long>(
                "select count(*) from pg_stat_activity where application_name = @application and wait_event_type = 'Lock'", new { application });
            if (waiting > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The runner never waited for the other runner's lock.");
    }
}
