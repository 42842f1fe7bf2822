using System.Diagnostics;
using System.Text;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Data;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;

namespace Platform.Eventing;

/// <summary>
/// Publishes the service's outbox: rows are locked with <c>FOR UPDATE SKIP LOCKED</c> (so two
/// instances never take the same row), published with publisher confirms, many in flight, and
/// marked sent in the same transaction. Wakes at once after a local commit and sweeps on a timer
/// (no LISTEN/NOTIFY, so it works through Supabase's transaction pooler); survives broker and
/// database outages by backing off and starting again.
/// </summary>
public sealed class OutboxRelay(
    ServiceDatabase database,
    RabbitMqConnector connector,
    EventingOptions options,
    ServiceIdentity identity,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>A broker that never confirms (e.g. a quorum queue left without a leader) must not hold the batch forever.</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private IChannel? _channel;

    /// <summary>Rows published since start (for benchmarks and diagnostics).</summary>
    public long Published => Interlocked.Read(ref _published);

    private long _published;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var channel = await EnsureChannelAsync(stoppingToken);
                int sent;
                do
                {
                    sent = await PublishBatchAsync(channel, stoppingToken);
                }
                while (sent == options.RelayBatchSize && !stoppingToken.IsCancellationRequested);

                failures = 0;
                await database.Outbox.Signal.WaitAsync(options.RelaySweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                // Short: events committed during an outage should leave soon after it ends.
                var delay = TimeSpan.FromMilliseconds(Math.Min(connector.Backoff(failures).TotalMilliseconds, MaxRetryDelay.TotalMilliseconds));
                logger.LogWarning(ex, "Outbox relay of {Schema} failed ({Failures} in a row); retrying in {Delay} ms", database.Schema, failures, (int)delay.TotalMilliseconds);
                await RabbitMqConnector.DisposeQuietlyAsync(_channel);
                _channel = null;
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await RabbitMqConnector.DisposeQuietlyAsync(_channel);
    }

    private async Task<IChannel> EnsureChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await RabbitMqConnector.DisposeQuietlyAsync(_channel);
        var connection = await connector.GetConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await Topology.DeclareEventsExchangeAsync(channel, cancellationToken);
        _channel = channel;
        return channel;
    }

    /// <summary>Publishes one batch of unsent rows; returns how many were sent.</summary>
    internal async Task<int> PublishBatchAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await using var uow = await database.BeginAsync(cancellationToken);
        var rows = (await uow.Connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"""
            select id, event_id, event_type, envelope from {database.Schema}.outbox
             where sent_at is null
             order by id
             limit @limit
               for update skip locked
            """,
            new { limit = options.RelayBatchSize },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        var confirms = new Task[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            confirms[i] = PublishAsync(channel, rows[i], cancellationToken).AsTask();
        }

        // Every publish must be confirmed before any row is marked sent; a nack or a lost channel
        // throws, the transaction rolls back, and the rows go out again (consumers deduplicate).
        await Task.WhenAll(confirms).WaitAsync(ConfirmTimeout, cancellationToken);
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"update {database.Schema}.outbox set sent_at = now() where id = any(@ids)",
            new { ids = rows.Select(r => r.Id).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        await uow.CommitAsync(cancellationToken);
        Interlocked.Add(ref _published, rows.Count);
        return rows.Count;
    }

    private ValueTask PublishAsync(IChannel channel, OutboxRow row, CancellationToken cancellationToken)
    {
        var envelope = Encoding.UTF8.GetBytes(row.Envelope);
        var (traceParent, correlationId) = TraceOf(envelope);
        var properties = new BasicProperties
        {
            MessageId = row.EventId.ToString(),
            Type = row.EventType,
            ContentType = CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            AppId = identity.Name,
            CorrelationId = correlationId,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            Headers = new Dictionary<string, object?>
            {
                [MessageHeaders.TraceParent] = traceParent,
                [MessageHeaders.CorrelationId] = correlationId,
            },
        };
        return channel.BasicPublishAsync(EventingOptions.EventsExchange, row.EventType, mandatory: false, properties, envelope, cancellationToken);
    }

    private static (string? TraceParent, string? CorrelationId) TraceOf(byte[] envelope)
    {
        var reader = new System.Text.Json.Utf8JsonReader(envelope);
        string? traceParent = null, correlationId = null;
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("traceparent"u8))
                {
                    reader.Read();
                    traceParent = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("correlationid"u8))
                {
                    reader.Read();
                    correlationId = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return (traceParent, correlationId);
    }

    private sealed record OutboxRow(long Id, Guid EventId, string EventType, string Envelope);
}
