using System.Collections.Concurrent;
using Platform.Contracts;
using Platform.Eventing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Platform.Testing;

/// <summary>A message as a test saw it on the broker.</summary>
public sealed record ReceivedMessage(
    string Exchange,
    string RoutingKey,
    string? MessageId,
    string? Type,
    string? AppId,
    string? CorrelationId,
    string? ContentType,
    DeliveryModes DeliveryMode,
    IReadOnlyDictionary<string, object?> Headers,
    byte[] Body)
{
    public string? Header(string name) => MessageHeaders.GetString(Headers.ToDictionary(h => h.Key, h => h.Value), name);

    public static ReceivedMessage From(string exchange, string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body) => new(
        exchange,
        routingKey,
        properties.MessageId,
        properties.Type,
        properties.AppId,
        properties.CorrelationId,
        properties.ContentType,
        properties.DeliveryMode,
        properties.Headers is { } headers ? new Dictionary<string, object?>(headers, StringComparer.Ordinal) : new Dictionary<string, object?>(),
        body.ToArray());
}

/// <summary>The test's own connection to the run's RabbitMQ: direct publishes, taps, parking queues, clean-up.</summary>
public sealed class BrokerClient : IAsyncDisposable
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    private readonly Uri _uri;
    private readonly string _name;

    private BrokerClient(Uri uri, string name)
    {
        _uri = uri;
        _name = name;
    }

    /// <summary>Connects to the broker and vhost of <paramref name="uri"/> as its user; <paramref name="name"/> names the connection.</summary>
    public static async Task<BrokerClient> ConnectAsync(string uri, string name = "platform-eventing-tests")
    {
        var client = new BrokerClient(new Uri(uri), name);
        await client.ChannelAsync();
        return client;
    }

    /// <summary>The confirm channel; a new connection when the old one died (e.g. the broker was restarted).</summary>
    private async Task<IChannel> ChannelAsync()
    {
        if (_connection is { IsOpen: true } && _channel is { IsOpen: true } open)
        {
            return open;
        }

        await DisposeConnectionAsync();
        var factory = new ConnectionFactory
        {
            Uri = _uri,
            ClientProvidedName = _name,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return _channel;
    }

    /// <summary>Publishes an envelope to the platform's exchange the way the outbox relay does (same properties and headers).</summary>
    public Task PublishEnvelopeAsync(CloudEvent envelope, string appId = "eventing-tests") =>
        PublishAsync(EventingOptions.EventsExchange, envelope.Type, envelope.ToUtf8Bytes(), envelope.Id, envelope.Type, appId, envelope.CorrelationId, envelope.TraceParent, DateTimeOffset.UtcNow);

    /// <summary>Publishes any body straight into a queue (default exchange), e.g. poison that no routing key would bring.</summary>
    /// <paramref name="publishedAt"/> sets the AMQP timestamp the outbox relay sets (absent by default).
    public Task PublishToQueueAsync(string queue, byte[] body, string messageId, string? type, DateTimeOffset? publishedAt = null) =>
        PublishAsync(string.Empty, queue, body, messageId, type, "eventing-tests", null, null, publishedAt);

    private async Task PublishAsync(
        string exchange, string routingKey, byte[] body, string messageId, string? type, string appId, string? correlationId, string? traceParent, DateTimeOffset? publishedAt = null)
    {
        var properties = new BasicProperties
        {
            MessageId = messageId,
            Type = type,
            ContentType = CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            AppId = appId,
            // The connection's own user, as the outbox relay sets it (the broker refuses any other).
            UserId = PublisherCheck.UserOf(_uri.ToString()),
            CorrelationId = correlationId,
            Headers = new Dictionary<string, object?>
            {
                [MessageHeaders.TraceParent] = traceParent,
                [MessageHeaders.CorrelationId] = correlationId,
            },
        };
        if (publishedAt is { } at)
        {
            properties.Timestamp = new AmqpTimestamp(at.ToUnixTimeSeconds());
        }

        await _gate.WaitAsync();
        try
        {
            // A nack, or a connection the broker closed, is published again (on a new connection), as the
            // outbox relay does. A quorum queue deleted while a publish is routed to it makes RabbitMQ nack
            // the publish or close the connection with 541 INTERNAL_ERROR (rabbitmq-server#15333); in the
            // shared vhost / that queue can be another test class's, deleted at its end (both seen in CI).
            for (var attempt = 1; ; attempt++)
            {
                // Bounded: a queue that never confirms (e.g. a quorum queue left without a leader) fails the test instead of hanging it.
                using var timeout = new CancellationTokenSource(OperationTimeout);
                try
                {
                    var channel = await ChannelAsync();
                    await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, timeout.Token);
                    break;
                }
                catch (Exception ex) when (attempt < 3 && ex is PublishException { IsReturn: false } or AlreadyClosedException or OperationInterruptedException)
                {
                    TestLog.Log($"publishing {type} {messageId} over {_name} failed ({ex.Message}); attempt {attempt + 1}");
                    await Task.Delay(100 * attempt);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes every message now in <paramref name="queue"/> off it.</summary>
    public async Task<List<ReceivedMessage>> DrainAsync(string queue)
    {
        var messages = new List<ReceivedMessage>();
        await _gate.WaitAsync();
        try
        {
            var channel = await ChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
            {
                messages.Add(ReceivedMessage.From(result.Exchange, result.RoutingKey, result.BasicProperties, result.Body));
            }
        }
        finally
        {
            _gate.Release();
        }

        return messages;
    }

    /// <summary>
    /// A private queue bound to the platform's exchange with <paramref name="routingKeys"/>: it sees
    /// every message published with those keys while it exists (including other tests' messages).
    /// </summary>
    public async Task<Tap> TapAsync(IEnumerable<string> routingKeys)
    {
        await ChannelAsync();
        var channel = await _connection!.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(EventingOptions.EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        foreach (var key in routingKeys.Distinct(StringComparer.Ordinal))
        {
            await channel.QueueBindAsync(queue.QueueName, EventingOptions.EventsExchange, key);
        }

        var tap = new Tap(channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            tap.Messages.Enqueue(ReceivedMessage.From(e.Exchange, e.RoutingKey, e.BasicProperties, e.Body));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return tap;
    }

    /// <summary>
    /// A queue bound to the platform's exchange with <paramref name="routingKey"/> that holds nothing and
    /// rejects what comes (<c>x-max-length</c> 0, <c>reject-publish</c>): the broker nacks every publish
    /// with that key, as it would one it can never take. Deleted with <see cref="DeleteQueuesAsync"/>.
    /// </summary>
    public async Task<string> RefuseAsync(string routingKey)
    {
        await ChannelAsync();
        await using var channel = await _connection!.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(EventingOptions.EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var name = $"refuse.{routingKey}.{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 0,
            ["x-overflow"] = "reject-publish",
        });
        await channel.QueueBindAsync(name, EventingOptions.EventsExchange, routingKey);
        return name;
    }

    public async Task DeleteQueuesAsync(IEnumerable<string> queues)
    {
        await ChannelAsync();
        foreach (var queue in queues)
        {
            using var timeout = new CancellationTokenSource(OperationTimeout);
            await using var channel = await _connection!.CreateChannelAsync(cancellationToken: timeout.Token);
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeConnectionAsync();
        _gate.Dispose();
    }

    private async Task DisposeConnectionAsync()
    {
        try
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // The broker may be gone (an outage test that failed half-way).
        }

        _channel = null;
        _connection = null;
    }

    public sealed class Tap(IChannel channel) : IAsyncDisposable
    {
        public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

        public async ValueTask DisposeAsync()
        {
            try
            {
                await channel.DisposeAsync();
            }
            catch (Exception)
            {
                // Nothing to release on a dead connection.
            }
        }
    }
}
