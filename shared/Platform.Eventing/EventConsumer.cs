using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.Eventing;

/// <summary>
/// Consumes the service's queue inside the worker process. Messages are handled in small batches,
/// each batch one transaction in which every message writes its inbox row and its effects (under a
/// savepoint, so one failure does not undo the others); acknowledgements go out only after the
/// commit. A failing message goes to a delayed retry queue, and after the last attempt to the
/// parking queue with the failure in its headers; messages behind it keep flowing. When the
/// connection drops, the session ends and a new one starts with back-off; unacknowledged messages
/// come again and the inbox makes the repeat harmless.
/// </summary>
public sealed class EventConsumer(
    ServiceDatabase database,
    RabbitMqConnector connector,
    EventingOptions options,
    EventHandlerRegistry handlers,
    IServiceProvider services,
    ServiceIdentity identity,
    ConsumerState state,
    RetentionOptions retention,
    ILogger<EventConsumer> logger) : BackgroundService
{
    /// <summary>A broker that never confirms (e.g. a queue without a leader) must not stall the worker forever.</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    private readonly EventBatchHandler _batches = new(
        database, handlers, services, logger, retention, TimeProvider.System, options.VerifyPublishers ? new PublisherCheck(options.BrokerUser) : null);
    private long _session;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(() => failures = 0, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                state.Lost(failures, ex);
                var delay = connector.Backoff(failures);
                logger.LogWarning(ex, "Consumer of {Queue} lost its session ({Failures} in a row); reconnecting in {Delay} ms", options.Queue, failures, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunSessionAsync(Action connected, CancellationToken stoppingToken)
    {
        var sessionId = Interlocked.Increment(ref _session);
        // Consumed and acknowledged on the connection that never publishes, so that a broker alarm (which
        // blocks publishing connections: the broker stops reading them) never stops the acks. Retries and
        // parking go out on the publishing connection, on a channel opened when first needed (opening one
        // on a blocked connection waits for the alarm's end).
        await using var consume = await (await connector.GetConsumingConnectionAsync(stoppingToken)).CreateChannelAsync(cancellationToken: stoppingToken);
        await using var forward = new ForwardChannel(connector);
        await Topology.DeclareConsumerAsync(consume, options, handlers.EventTypes, stoppingToken);
        await consume.BasicQosAsync(0, options.Prefetch, global: false, stoppingToken);

        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        consume.ChannelShutdownAsync += (_, _) => CancelAsync(session);
        var deliveries = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(options.Prefetch + 1) { SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += (_, e) =>
            deliveries.Writer.WriteAsync(Delivery.Copy(e.DeliveryTag, sessionId, e.Body, e.BasicProperties, e.Redelivered), session.Token).AsTask();

        // The broker cancels a consumer whose queue is deleted (by an operator, say); the channel stays
        // open and nothing more would come. The session ends, and the next one declares the queue and its
        // bindings again.
        var cancelledByBroker = false;
        consumer.UnregisteredAsync += (_, _) =>
        {
            cancelledByBroker = true;
            return CancelAsync(session);
        };
        await consume.BasicConsumeAsync(options.Queue, autoAck: false, consumer, stoppingToken);
        connected();
        state.Consuming();
        logger.LogInformation("Consuming {Queue} ({Types}) with {Workers} workers", options.Queue, string.Join(", ", handlers.EventTypes), options.Concurrency);

        var acks = new AckSender(consume, sessionId);
        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(_ => WorkAsync(deliveries.Reader, acks, forward, session.Token))
            .ToArray();
        // One worker ending for any reason ends the session: its unacknowledged messages come again
        // on a fresh channel instead of sitting with a dead worker.
        var first = await Task.WhenAny(workers);
        await CancelAsync(session);
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            // The channel closed or the host is stopping: unacknowledged messages will come again.
        }
        catch (Exception) when (first.IsFaulted)
        {
            // Reported below.
        }

        stoppingToken.ThrowIfCancellationRequested();
        if (first.Exception?.GetBaseException() is { } failure and not OperationCanceledException)
        {
            logger.LogError(failure, "A consumer worker of {Queue} failed; starting a new session", options.Queue);
        }

        throw new InvalidOperationException(cancelledByBroker
            ? $"The broker cancelled the consumer of {options.Queue} (was the queue deleted?); declaring it and its bindings again."
            : $"The consumer session of {options.Queue} ended: the broker connection or channel closed.");
    }

    private static Task CancelAsync(CancellationTokenSource session)
    {
        try
        {
            session.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }

        return Task.CompletedTask;
    }

    private async Task WorkAsync(ChannelReader<Delivery> reader, AckSender acks, ForwardChannel forward, CancellationToken cancellationToken)
    {
        var batch = new List<Delivery>(options.BatchSize);
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            while (batch.Count < options.BatchSize && reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            EventingTelemetry.ConsumerBatchSize.Record(batch.Count);
            foreach (var delivery in batch)
            {
                EventingTelemetry.ConsumerQueued.Record(Stopwatch.GetElapsedTime(delivery.ReceivedAt, started).TotalMilliseconds);
            }

            var outcomes = await _batches.HandleAsync(batch, cancellationToken);
            var handled = Stopwatch.GetTimestamp();
            EventingTelemetry.ConsumerHandle.Record(Stopwatch.GetElapsedTime(started, handled).TotalMilliseconds);
            foreach (var (delivery, failure) in outcomes)
            {
                if (failure is not null)
                {
                    await RetryOrParkAsync(forward, delivery, failure, cancellationToken);
                }

                await acks.AckAsync(delivery, cancellationToken);
            }

            EventingTelemetry.ConsumerAck.Record(Stopwatch.GetElapsedTime(handled).TotalMilliseconds);
        }
    }

    /// <summary>Sends a failed message to its next delayed retry, or to parking after the last attempt.</summary>
    private async Task RetryOrParkAsync(ForwardChannel forwarder, Delivery delivery, Exception failure, CancellationToken cancellationToken)
    {
        var forward = await forwarder.GetAsync(cancellationToken);
        var headers = new Dictionary<string, object?>(delivery.Headers, StringComparer.Ordinal);
        var attempt = delivery.Attempt;
        var reason = Truncate(failure.Message, 1000);
        if (attempt < options.MaxAttempts && failure is not PoisonMessageException)
        {
            var delay = options.DelayBefore(attempt + 1);
            headers[MessageHeaders.Attempt] = (attempt + 1).ToString(CultureInfo.InvariantCulture);
            headers[MessageHeaders.FailureReason] = reason;
            var queue = options.RetryQueue(delay);
            logger.LogWarning(failure, "Event {MessageId} ({Type}) failed attempt {Attempt}; retrying in {Delay} ms", delivery.MessageId, delivery.Type, attempt, (int)delay.TotalMilliseconds);
            await forward.BasicPublishAsync(EventingOptions.RetryExchange, queue, mandatory: true, delivery.Forward(headers, options.BrokerUser), delivery.Body, cancellationToken)
                .AsTask().WaitAsync(ConfirmTimeout, cancellationToken);
            return;
        }

        headers[MessageHeaders.Attempt] = attempt.ToString(CultureInfo.InvariantCulture);
        headers[MessageHeaders.FailureReason] = reason;
        headers[MessageHeaders.FailureType] = failure.GetType().FullName;
        headers[MessageHeaders.FailedAt] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        headers[MessageHeaders.FailedBy] = identity.Name;
        logger.LogError(failure, "Event {MessageId} ({Type}) parked in {Queue} after {Attempt} attempts", delivery.MessageId, delivery.Type, options.ParkingQueue, attempt);
        await forward.BasicPublishAsync(string.Empty, options.ParkingQueue, mandatory: true, delivery.Forward(headers, options.BrokerUser), delivery.Body, cancellationToken)
            .AsTask().WaitAsync(ConfirmTimeout, cancellationToken);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>The session's confirm channel on the publishing connection, opened at first use and again after it closed.</summary>
    private sealed class ForwardChannel(RabbitMqConnector connector) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private IChannel? _channel;

        public async Task<IChannel> GetAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_channel is { IsOpen: true } open)
                {
                    return open;
                }

                await RabbitMqConnector.DisposeQuietlyAsync(_channel);
                _channel = null;
                var connection = await connector.GetPublishingConnectionAsync(cancellationToken);
                return _channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await RabbitMqConnector.DisposeQuietlyAsync(_channel);
            _gate.Dispose();
        }
    }

    /// <summary>Acknowledges on the session's channel only; a delivery of an older session is simply redelivered.</summary>
    private sealed class AckSender(IChannel channel, long session)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task AckAsync(Delivery delivery, CancellationToken cancellationToken)
        {
            if (delivery.Session != session)
            {
                return;
            }

            await _gate.WaitAsync(cancellationToken);
            try
            {
                await channel.BasicAckAsync(delivery.Tag, multiple: false, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}

/// <summary>A message that can never be handled (not an envelope, unknown type): parked at once.</summary>
public sealed class PoisonMessageException(string message, Exception? inner = null) : Exception(message, inner);
