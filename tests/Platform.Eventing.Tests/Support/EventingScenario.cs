using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Data;
using Platform.Testing;

namespace Platform.Eventing.Tests.Support;

/// <summary>An event written to the scenario's outbox by the test.</summary>
public sealed record PublishedEvent(Guid Id, string Type, string Envelope);

/// <summary>
/// One test's private world on the shared PostgreSQL and RabbitMQ: a unique schema (the test app's
/// outbox, inbox, handled and attempts tables) and a unique queue (with its retry and parking
/// queues), so that tests never see each other's messages. The test publishes like a service
/// does: a unit of work whose events reach the outbox at commit; the app's relay sends them.
/// Disposing kills the apps, drops the schema and deletes the queues.
/// </summary>
public sealed class EventingScenario : IAsyncDisposable
{
    public const string Source = "/eventing-tests";
    public const int MaxAttempts = 4;
    public static readonly int[] RetryDelaysMs = [300, 600, 1200];

    private readonly List<TestAppProcess> _apps = [];
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly Dictionary<string, string?> _settings;

    static EventingScenario() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private EventingScenario(string label, NpgsqlDataSource dataSource, string brokerUri, BrokerClient broker, IReadOnlyDictionary<string, string?>? settings)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        Label = label;
        Schema = "evt_" + id;
        Queue = $"eventing-tests.{label}.{id}";
        DataSource = dataSource;
        Broker = broker;
        Database = new ServiceDatabase(dataSource, Schema, new OutboxContext(Source, new OutboxSignal(), TimeProvider.System));
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["TestAppDbConnection"] = TestEnvironment.MainDb,
            ["RabbitMQConnection"] = brokerUri,
            ["SUPABASE_URL"] = Environment.GetEnvironmentVariable("SUPABASE_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:54321",
            ["TESTAPP_SCHEMA"] = Schema,
            ["TESTAPP_NAME"] = "evt-" + label,
            ["Eventing__Queue"] = Queue,
            ["Eventing__RelaySweepIntervalMs"] = "100",
            ["Eventing__MaxAttempts"] = MaxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Eventing__RetryDelaysMs"] = string.Join(",", RetryDelaysMs),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Label { get; }

    public string Schema { get; }

    public string Queue { get; }

    public string ParkingQueue => Queue + ".parking";

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The test's handle on the scenario's schema, publishing as <see cref="Source"/>.</summary>
    public ServiceDatabase Database { get; }

    public BrokerClient Broker { get; }

    public IReadOnlyList<TestAppProcess> Apps => _apps;

    /// <summary>Creates the schema (the app's <c>migrate</c>) and connects to the broker.</summary>
    /// <param name="settings">Environment of every app of the scenario (TESTAPP_*, Eventing__*), over the defaults.</param>
    public static async Task<EventingScenario> CreateAsync(string label, IReadOnlyDictionary<string, string?>? settings = null)
    {
        TestLog.Log($"create {label}");
        var dataSource = NpgsqlDataSource.Create(TestEnvironment.MainDb);
        var brokerUri = await LocalStack.TakeVhostAsync();
        var broker = await BrokerClient.ConnectAsync(brokerUri);
        var scenario = new EventingScenario(label, dataSource, brokerUri, broker, settings);
        try
        {
            TestLog.Log($"migrate {label}");
            await scenario.MigrateAsync();
            TestLog.Log($"migrated {label}");
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }

        return scenario;
    }

    /// <summary>Runs the app's <c>migrate</c> (again), with <paramref name="settings"/> over the scenario's; returns its output.</summary>
    public Task<string> MigrateAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        TestAppProcess.MigrateAsync(With(settings), TimeSpan.FromSeconds(60));

    /// <summary>Starts an instance of the test app; ready when healthy and consuming.</summary>
    public async Task<TestAppProcess> StartAppAsync(string? name = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var environment = With(settings);
        if (name is not null)
        {
            environment["TESTAPP_NAME"] = name;
        }

        TestLog.Log($"start app {Label}");
        var app = await TestAppProcess.StartAsync(environment["TESTAPP_NAME"]!, environment);
        TestLog.Log($"started app {Label}");
        _apps.Add(app);
        return app;
    }

    /// <summary>Writes the events to the outbox in one transaction, as a service's unit of work does; returns them in order.</summary>
    public async Task<IReadOnlyList<PublishedEvent>> PublishAsync(params IEnumerable<IIntegrationEvent> events)
    {
        await _publishGate.WaitAsync();
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            var before = await connection.ExecuteScalarAsync<long>($"select coalesce(max(id), 0) from {Schema}.outbox");
            await using (var uow = await Database.BeginAsync())
            {
                foreach (var e in events)
                {
                    uow.Publish(e);
                }

                await uow.CommitAsync();
            }

            return (await connection.QueryAsync<PublishedEvent>(
                $"select o.event_id as id, o.event_type as type, o.envelope from {Schema}.outbox o where o.id > @before order by o.id",
                new { before })).AsList();
        }
        finally
        {
            _publishGate.Release();
        }
    }

    /// <summary>The scenario's settings with <paramref name="settings"/> over them.</summary>
    private Dictionary<string, string?> With(IReadOnlyDictionary<string, string?>? settings)
    {
        var environment = new Dictionary<string, string?>(_settings, StringComparer.Ordinal);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public async Task<long> ScalarAsync(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql.Replace("{schema}", Schema, StringComparison.Ordinal), args);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql.Replace("{schema}", Schema, StringComparison.Ordinal), args)).AsList();
    }

    /// <summary>Handled rows (committed effects) of these event ids.</summary>
    public Task<long> CountHandledAsync(IEnumerable<string> eventIds) =>
        ScalarAsync("select count(*) from {schema}.handled where event_id = any(@ids)", new { ids = eventIds.ToArray() });

    public Task<long> CountInboxAsync(IEnumerable<string> eventIds) =>
        ScalarAsync("select count(*) from {schema}.inbox where message_id = any(@ids)", new { ids = eventIds.ToArray() });

    public Task<long> CountUnsentAsync() => ScalarAsync("select count(*) from {schema}.outbox where sent_at is null");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/>, the scenario's state and the apps' output.</summary>
    public async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        TestLog.Log($"{Label}: waiting until {what}");
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {what}.{Environment.NewLine}{await DescribeAsync()}");
            }

            await Task.Delay(100);
        }

        TestLog.Log($"{Label}: {what} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>What the scenario looks like now, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scenario {Label}: schema {Schema}, queue {Queue}, broker {new Uri(_settings["RabbitMQConnection"]!).AbsolutePath}");
        try
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"outbox: {await ScalarAsync("select count(*) from {schema}.outbox")} rows, {await CountUnsentAsync()} unsent; inbox: {await ScalarAsync("select count(*) from {schema}.inbox")}; handled: {await ScalarAsync("select count(*) from {schema}.handled")} rows, {await ScalarAsync("select count(distinct event_id) from {schema}.handled")} distinct; attempts: {await ScalarAsync("select count(*) from {schema}.attempts")}");
        }
        catch (Exception ex)
        {
            text.AppendLine("(database state unavailable: " + ex.Message + ")");
        }

        foreach (var app in _apps)
        {
            text.AppendLine(app.OutputTail());
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        TestLog.Log($"dispose {Label}");
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        // EVT_KEEP=1 keeps the schema and queues of a run for a post-mortem.
        if (Environment.GetEnvironmentVariable("EVT_KEEP") == "1")
        {
            await Broker.DisposeAsync();
            await DataSource.DisposeAsync();
            return;
        }

        try
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            await connection.ExecuteAsync($"drop schema if exists {Schema} cascade");
        }
        catch (NpgsqlException)
        {
            // Best effort: a leftover evt_* schema harms nobody.
        }

        try
        {
            await Broker.DeleteQueuesAsync([Queue, ParkingQueue, .. RetryDelays().Select(d => $"{Queue}.retry.{d}ms")]);
        }
        catch (Exception)
        {
            // Best effort, as above (the broker may be down after a failed outage test).
        }

        await Broker.DisposeAsync();
        await DataSource.DisposeAsync();
        TestLog.Log($"disposed {Label}");
        _publishGate.Dispose();
    }

    private IEnumerable<int> RetryDelays() =>
        (_settings.GetValueOrDefault("Eventing__RetryDelaysMs") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .Distinct();
}
