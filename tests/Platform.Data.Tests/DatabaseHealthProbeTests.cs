using Npgsql;
using Platform.Data.Tests.Support;
using Platform.Testing;

namespace Platform.Data.Tests;

public sealed class DatabaseHealthProbeTests
{
    [Fact]
    public async Task CheckAsync_reports_up_with_latency_against_the_real_database()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestEnvironment.MainDb);
        var probe = new DatabaseHealthProbe(new ServiceDatabase(dataSource, "donation"), TimeProvider.System);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.Equal("database", probe.Name);
        Assert.True(result.Healthy);
        Assert.Equal("up", result.Status);
        Assert.IsType<double>(result.Details!["latency_ms"]);
    }

    [Fact]
    public async Task CheckAsync_reports_down_when_nothing_listens_on_the_port()
    {
        var closedPort = TestEnvironment.FreePort();
        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.MainDb) { Port = closedPort, Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var probe = new DatabaseHealthProbe(new ServiceDatabase(dataSource, "donation"), TimeProvider.System);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.False(result.Healthy);
        Assert.Equal("down", result.Status);
        Assert.Equal(nameof(NpgsqlException), result.Details!["error"]);
    }

    [Fact]
    public async Task CheckAsync_reports_down_when_cancelled()
    {
        await using var schema = TestSchema.Create();
        var probe = new DatabaseHealthProbe(schema.Database, TimeProvider.System);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await probe.CheckAsync(cancelled.Token);

        Assert.False(result.Healthy);
    }
}
