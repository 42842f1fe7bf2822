using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Data;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

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

    /// <summary>
    /// How long the broker must go on refusing a row published alone before it is parked. A refusal may
    /// pass: RabbitMQ nacks a publish routed to a quorum queue that is being deleted, or to a full
    /// <c>reject-publish</c> queue, and takes the same message a moment later. So a row refused alone
    /// is published again after the relay's back-off (about 0.5 s, then 1 s) and parked only when it is
    /// still refused this long after its first refusal (about three attempts).
    /// </summary>
    public static readonly TimeSpan RefusedForBeforeParking = TimeSpan.FromSeconds(1);

    private readonly string _user = options.BrokerUser;

    /// <summary>Rows still to publish one at a time, after the broker refused a batch, to find the row it refuses.</summary>
    private int _isolating;

    /// <summary>Rows refused alone and not yet parked (outbox id → first refusal, <see cref="Stopwatch"/> ticks); emptied when the outbox is.</summary>
    private readonly ConcurrentDictionary<long, long> _refusals = new();

    /// <summary>Rows published since start (for benchmarks and diagnostics).</summary>
    public long Published => Interlocked.Read(ref _published);

    private long _published;

    private int _busyLanes;
    private int _peakLanes;

    /// <summary>
    /// Rows the next batch takes: <see cref="FirstBatchSize"/> after the outbox was found empty (a start, a
    /// quiet spell), doubled after every full batch up to <see cref="EventingOptions.RelayBatchSize"/>. The
    /// first events of a burst or of a backlog leave in a small batch, confirmed in a millisecond or two,
    /// instead of waiting for the confirms of hundreds of rows; a long backlog still moves in large batches.
    /// </summary>
    private int _batchSize = Math.Min(FirstBatchSize, options.RelayBatchSize);

    /// <summary>The size a backlog's first batch takes (less when <see cref="EventingOptions.RelayBatchSize"/> is smaller).</summary>
    public const int FirstBatchSize = 16;

    /// <summary>The most lanes that have had a batch in flight at the same time since start (diagnostics).</summary>
    public int PeakLanes => Volatile.Read(ref _peakLanes);

    /// <summary>
    /// Runs <see cref="EventingOptions.RelayConcurrency"/> lanes, each with its own channel and its own
    /// transactions. A commit wakes one idle lane, so an event committed while another lane waits for
    /// its batch's confirms goes out at once instead of waiting for that batch to finish (the rows a
    /// busy lane holds are skipped: <c>SKIP LOCKED</c>). A lane that takes a full batch wakes the next
    /// one, so a backlog is drained by every lane, their confirms overlapping.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.RelayConcurrency)).Select(lane => RunLaneAsync(lane, stoppingToken)));

    private async Task RunLaneAsync(int lane, CancellationToken stoppingToken)
    {
        // One lane sweeps on the timer (rows of other instances, of a crash, a signal that came too
        // early); the others wake only when signalled.
        var sweep = lane == 0 ? options.RelaySweepInterval : Timeout.InfiniteTimeSpan;
        IChannel? channel = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                bool full;
                do
                {
                    channel = await EnsureChannelAsync(channel, stoppingToken);
                    full = await PublishBatchAsync(channel, stoppingToken);
                }
                while ((full || Volatile.Read(ref _isolating) > 0) && !stoppingToken.IsCancellationRequested);

                failures = 0;
                await database.Outbox.Signal.WaitAsync(sweep, stoppingToken);
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
                logger.LogWarning(ex, "Outbox relay of {Schema} (lane {Lane}) failed ({Failures} in a row); retrying in {Delay} ms", database.Schema, lane, failures, (int)delay.TotalMilliseconds);
                await RabbitMqConnector.DisposeQuietlyAsync(channel);
                channel = null;
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await RabbitMqConnector.DisposeQuietlyAsync(channel);
    }

    private async Task<IChannel> EnsureChannelAsync(IChannel? current, CancellationToken cancellationToken)
    {
        if (current is { IsOpen: true } open)
        {
            return open;
        }

        await RabbitMqConnector.DisposeQuietlyAsync(current);
        var connection = await connector.GetPublishingConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await Topology.DeclareEventsExchangeAsync(channel, cancellationToken);
        return channel;
    }

    /// <summary>
    /// Publishes one batch of unsent rows; returns whether it was full (more rows are probably waiting). A row bigger
    /// than the broker takes is parked at once. When the broker refuses a batch (a nack, or a channel
    /// closed with 406 PRECONDITION_FAILED), nothing is marked and the next rows go one at a time: the one
    /// it refuses alone is parked with the reason and the others flow, instead of the whole outbox
    /// retrying behind it forever.
    /// </summary>
    internal async Task<bool> PublishBatchAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (!channel.IsOpen)
        {
            // A refusal closed it: that reason belongs to the row already parked, not to the next one.
            throw new InvalidOperationException("The relay's channel is closed; opening a new one.");
        }

        var started = Stopwatch.GetTimestamp();
        var limit = Volatile.Read(ref _isolating) > 0 ? 1 : Math.Clamp(Volatile.Read(ref _batchSize), 1, options.RelayBatchSize);
        await using var uow = await database.BeginAsync(cancellationToken);
        var rows = (await uow.Connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"""
            select id, event_id, event_type, envelope from {database.Schema}.outbox
             where sent_at is null and parked_at is null
             order by id
             limit @limit
               for update skip locked
            """,
            new { limit },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            Volatile.Write(ref _isolating, 0);
            if (!_refusals.IsEmpty)
            {
                _refusals.Clear(); // rows another instance sent or parked
            }
            Volatile.Write(ref _batchSize, Math.Min(FirstBatchSize, options.RelayBatchSize));
            return false;
        }

        var full = rows.Count == limit && limit > 1;
        if (full)
        {
            // More are probably waiting: the next batch may be bigger, and an idle lane takes it while
            // this one is confirmed.
            Volatile.Write(ref _batchSize, Math.Min(limit * 2, options.RelayBatchSize));
            database.Outbox.Signal.Notify();
        }

        var selected = Stopwatch.GetTimestamp();
        EventingTelemetry.RelaySelect.Record(Stopwatch.GetElapsedTime(started, selected).TotalMilliseconds);
        EventingTelemetry.RelayBatchSize.Record(rows.Count);
        var busy = Interlocked.Increment(ref _busyLanes);
        try
        {
            await PublishRowsAsync(channel, uow, rows, selected, cancellationToken);
            return full;
        }
        finally
        {
            Interlocked.Decrement(ref _busyLanes);
            for (var peak = Volatile.Read(ref _peakLanes); busy > peak; peak = Volatile.Read(ref _peakLanes))
            {
                Interlocked.CompareExchange(ref _peakLanes, busy, peak);
            }
        }
    }

    private async Task PublishRowsAsync(IChannel channel, UnitOfWork uow, List<OutboxRow> rows, long selected, CancellationToken cancellationToken)
    {
        var sent = new List<long>(rows.Count);
        var confirms = new List<Task>(rows.Count);
        List<(long Id, string Reason)>? parked = null;
        foreach (var row in rows)
        {
            var envelope = Encoding.UTF8.GetBytes(row.Envelope);
            if (envelope.Length > options.MaxMessageBytes)
            {
                (parked ??= []).Add((row.Id, $"{envelope.Length} bytes, more than the broker takes (Eventing__MaxMessageBytes {options.MaxMessageBytes})"));
                continue;
            }

            sent.Add(row.Id);
            confirms.Add(PublishAsync(channel, row, envelope, cancellationToken).AsTask());
        }

        try
        {
            // Every publish must be confirmed before any row is marked sent; a nack or a lost channel
            // throws, the transaction rolls back, and the rows go out again (consumers deduplicate).
            await Task.WhenAll(confirms).WaitAsync(ConfirmTimeout, cancellationToken);
        }
        catch (Exception ex) when (RefusedByBroker(ex) && sent.Count == 1 && rows.Count == 1)
        {
            var refusedFor = Stopwatch.GetElapsedTime(_refusals.GetOrAdd(sent[0], Stopwatch.GetTimestamp()));
            if (refusedFor < RefusedForBeforeParking)
            {
                // The transaction rolls back and the lane backs off; the row goes out alone again.
                throw new InvalidOperationException(
                    $"The broker refused outbox row {sent[0]} ({rows[0].EventType} {rows[0].EventId}); it is published again, and parked if still refused {RefusedForBeforeParking.TotalSeconds:0.#} s after the first refusal: {ex.Message}",
                    ex);
            }

            _refusals.TryRemove(sent[0], out _);
            (parked ??= []).Add((sent[0], $"the broker refused it for {refusedFor.TotalSeconds:0.0} s: {ex.Message}"));
            sent.Clear();
        }
        catch (Exception ex) when (RefusedByBroker(ex))
        {
            Volatile.Write(ref _isolating, rows.Count);
            logger.LogWarning(ex, "The broker refused a batch of {Count} outbox rows of {Schema}; publishing them one at a time to find the one it refuses", rows.Count, database.Schema);
            throw;
        }

        var confirmed = Stopwatch.GetTimestamp();
        EventingTelemetry.RelayConfirm.Record(Stopwatch.GetElapsedTime(selected, confirmed).TotalMilliseconds);
        if (sent.Count == 1 && !_refusals.IsEmpty)
        {
            _refusals.TryRemove(sent[0], out _); // refused before, taken now
        }

        if (sent.Count > 0)
        {
            // The mark need not wait for its WAL flush: the broker has confirmed every row already, and a
            // mark lost in a database crash only publishes the rows again, which the consumers' inboxes
            // drop. It saves the lane a disk flush per batch.
            await uow.Connection.ExecuteAsync(new CommandDefinition(
                $"set local synchronous_commit to off; update {database.Schema}.outbox set sent_at = now() where id = any(@ids)",
                new { ids = sent.ToArray() },
                uow.Transaction,
                cancellationToken: cancellationToken));
        }

        if (parked is not null)
        {
            await ParkAsync(uow, rows, parked, cancellationToken);
        }

        await uow.CommitAsync(cancellationToken);
        EventingTelemetry.RelayCommit.Record(Stopwatch.GetElapsedTime(confirmed).TotalMilliseconds);
        if (Volatile.Read(ref _isolating) > 0 && Interlocked.Add(ref _isolating, -rows.Count) is var left and < 0)
        {
            Interlocked.CompareExchange(ref _isolating, 0, left);
        }

        Interlocked.Add(ref _published, sent.Count);
    }

    private async Task ParkAsync(UnitOfWork uow, List<OutboxRow> rows, List<(long Id, string Reason)> parked, CancellationToken cancellationToken)
    {
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            update {database.Schema}.outbox o set parked_at = now(), park_reason = p.reason
              from unnest(@ids, @reasons) as p(id, reason)
             where o.id = p.id
            """,
            new { ids = parked.Select(p => p.Id).ToArray(), reasons = parked.Select(p => p.Reason).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        foreach (var (id, reason) in parked)
        {
            var row = rows.Find(r => r.Id == id)!;
            logger.LogError("Outbox row {RowId} ({EventType} {EventId}) of {Schema} parked: {Reason}", id, row.EventType, row.EventId, database.Schema, reason);
        }
    }

    /// <summary>The broker said no to a message (a nack, or the channel closed for a precondition such as its size), not a lost connection.</summary>
    private static bool RefusedByBroker(Exception ex) => ex switch
    {
        PublishException { IsReturn: false } => true,
        AlreadyClosedException { ShutdownReason: { Initiator: ShutdownInitiator.Peer, ReplyCode: Constants.PreconditionFailed } } => true,
        OperationInterruptedException { ShutdownReason: { Initiator: ShutdownInitiator.Peer, ReplyCode: Constants.PreconditionFailed } } => true,
        _ => false,
    };

    private ValueTask PublishAsync(IChannel channel, OutboxRow row, byte[] envelope, CancellationToken cancellationToken)
    {
        var (traceParent, correlationId) = TraceOf(envelope);
        var properties = new BasicProperties
        {
            MessageId = row.EventId.ToString(),
            Type = row.EventType,
            ContentType = CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            AppId = identity.Name,
            // RabbitMQ checks it against the connection's user: consumers know which credential sent it.
            UserId = _user,
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
