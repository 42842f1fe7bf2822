using System.Text.Json;
using Dapper;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FaultInjection;

/// <summary>One row of an outbox: the event and whether the relay marked it sent.</summary>
internal sealed record OutboxEvent(ServiceInfo Producer, long Row, string EventId, string Type, JsonElement Data, bool Sent);

/// <summary>A message in a parking queue: its id (the event id), type and why it was parked.</summary>
internal sealed record ParkedMessage(string? MessageId, string? Type, string? Reason);

/// <summary>
/// Read-only access to what the services wrote: both databases with the admin connection strings,
/// and the broker's queue depths (passive declares, which change nothing).
/// </summary>
internal sealed class PlatformState : IAsyncDisposable
{
    private readonly NpgsqlDataSource _main;
    private readonly NpgsqlDataSource _campaign;
    private readonly ConnectionFactory _broker;

    public PlatformState(Settings settings)
    {
        _main = NpgsqlDataSource.Create(Tuned(settings.MainDb));
        _campaign = NpgsqlDataSource.Create(Tuned(settings.CampaignDb));
        _broker = new ConnectionFactory { Uri = new Uri(settings.RabbitUri), ClientProvidedName = "fault-injection-check" };
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public NpgsqlDataSource Db(Database database) => database == Database.Main ? _main : _campaign;

    public NpgsqlDataSource Db(ServiceInfo service) => Db(service.Database);

    /// <summary>The highest outbox row id of each service now: events after it belong to this run.</summary>
    public async Task<Dictionary<string, long>> OutboxMarksAsync()
    {
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var service in ServiceCatalog.All)
        {
            await using var connection = await Db(service).OpenConnectionAsync();
            marks[service.Name] = await connection.ExecuteScalarAsync<long>($"select coalesce(max(id), 0) from {service.Schema}.outbox");
        }

        return marks;
    }

    /// <summary>Every event the services wrote to their outboxes after the marks.</summary>
    public async Task<List<OutboxEvent>> EventsSinceAsync(IReadOnlyDictionary<string, long> marks)
    {
        var events = new List<OutboxEvent>();
        foreach (var service in ServiceCatalog.All)
        {
            await using var connection = await Db(service).OpenConnectionAsync();
            var rows = await connection.QueryAsync<(long Id, string EventId, string EventType, string Envelope, bool Sent)>(
                $"select id, event_id::text, event_type, envelope, sent_at is not null from {service.Schema}.outbox where id > @mark order by id",
                new { mark = marks[service.Name] });
            foreach (var row in rows)
            {
                using var envelope = JsonDocument.Parse(row.Envelope);
                var data = envelope.RootElement.TryGetProperty("data", out var d) ? d.Clone() : default;
                events.Add(new OutboxEvent(service, row.Id, row.EventId, row.EventType, data, row.Sent));
            }
        }

        return events;
    }

    /// <summary>Rows not yet published, in every outbox (from this run or before it).</summary>
    public async Task<Dictionary<string, long>> UnsentAsync()
    {
        var unsent = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var service in ServiceCatalog.All)
        {
            await using var connection = await Db(service).OpenConnectionAsync();
            unsent[service.Name] = await connection.ExecuteScalarAsync<long>($"select count(*) from {service.Schema}.outbox where sent_at is null");
        }

        return unsent;
    }

    /// <summary>
    /// Per service, the outbox rows written before <paramref name="before"/> and not sent: how many, how many
    /// parked, how many a transaction holds locked (the relay skips those), the oldest, and their types.
    /// </summary>
    public async Task<List<string>> UnsentReportAsync(DateTime before)
    {
        var lines = new List<string>();
        foreach (var service in ServiceCatalog.All)
        {
            await using var connection = await Db(service).OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var row = await connection.QuerySingleAsync<(long Unsent, long Parked, DateTime? Oldest, long? FirstId, string? Types)>(
                $"select count(*), count(*) filter (where parked_at is not null), min(created_at), min(id), string_agg(distinct event_type, ',') "
                + $"from {service.Schema}.outbox where sent_at is null and created_at < @before",
                new { before },
                transaction);
            var free = await connection.ExecuteScalarAsync<long>(
                $"select count(*) from (select id from {service.Schema}.outbox where sent_at is null and created_at < @before for update skip locked) f",
                new { before },
                transaction);
            await transaction.RollbackAsync();
            if (row.Unsent > 0)
            {
                lines.Add($"{service.Name}: {row.Unsent} rows ({row.Parked} parked, {row.Unsent - free} locked by a transaction), oldest id {row.FirstId} at {row.Oldest:O}; types {row.Types}");
            }
        }

        return lines;
    }

    /// <summary>Outbox rows, in every outbox, written before <paramref name="before"/> and still not sent.</summary>
    public async Task<long> UnsentBeforeAsync(DateTime before)
    {
        long unsent = 0;
        foreach (var service in ServiceCatalog.All)
        {
            await using var connection = await Db(service).OpenConnectionAsync();
            unsent += await connection.ExecuteScalarAsync<long>(
                $"select count(*) from {service.Schema}.outbox where sent_at is null and created_at < @before", new { before });
        }

        return unsent;
    }

    /// <summary>The ids among <paramref name="ids"/> that the service's inbox holds.</summary>
    public async Task<HashSet<string>> HandledAsync(ServiceInfo consumer, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await Db(consumer).OpenConnectionAsync();
        var handled = await connection.QueryAsync<string>(
            $"select message_id from {consumer.Schema}.inbox where message_id = any(@ids)", new { ids = ids.ToArray() });
        return handled.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Messages waiting in each queue (ready, not in flight); null for a queue that does not exist.</summary>
    public async Task<Dictionary<string, long?>> QueueDepthsAsync(IEnumerable<string> queues)
    {
        var depths = new Dictionary<string, long?>(StringComparer.Ordinal);
        await using var connection = await _broker.CreateConnectionAsync();
        foreach (var queue in queues)
        {
            // A passive declare of a missing queue closes the channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                depths[queue] = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
            }
            catch (OperationInterruptedException)
            {
                depths[queue] = null;
            }
        }

        return depths;
    }

    /// <summary>
    /// Up to <paramref name="max"/> messages at the head of a queue, without taking them: they are
    /// fetched unacknowledged and go back when the channel closes.
    /// </summary>
    public async Task<List<ParkedMessage>> PeekAsync(string queue, int max)
    {
        var messages = new List<ParkedMessage>();
        await using var connection = await _broker.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        for (var i = 0; i < max; i++)
        {
            var got = await channel.BasicGetAsync(queue, autoAck: false);
            if (got is null)
            {
                break;
            }

            var headers = got.BasicProperties.Headers;
            var reason = headers?.TryGetValue("x-failure-reason", out var value) == true && value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
            messages.Add(new ParkedMessage(got.BasicProperties.MessageId, got.BasicProperties.Type, reason));
        }

        await channel.CloseAsync(); // unacknowledged: back to the queue
        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _main.DisposeAsync();
        await _campaign.DisposeAsync();
    }

    private static string Tuned(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "fault-injection-check", Timeout = 10, CommandTimeout = 60 }.ConnectionString;
}
