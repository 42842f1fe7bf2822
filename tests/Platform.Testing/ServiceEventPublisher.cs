using Platform.Contracts;
using Platform.Eventing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Testing;

/// <summary>
/// Publishes catalogue events as their declared publisher's outbox relay does: over that service's
/// own broker user (so with its AMQP <c>user-id</c>), its <c>app-id</c> and CloudEvents <c>source</c>,
/// routing key = type, persistent, confirmed. A service under test receives them through its real
/// queue, consumer, publisher check and inbox. One connection per publisher, opened on first use.
/// </summary>
public sealed class ServiceEventPublisher(string? brokerUri = null) : IAsyncDisposable
{
    private readonly Dictionary<string, (IConnection Connection, IChannel Channel)> _channels = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The envelope its declared publisher would write (source = the publisher's).</summary>
    public static CloudEvent Wrap(IIntegrationEvent payload, Guid? id = null, string? correlationId = null)
    {
        var type = EventCatalog.NameOf(payload.GetType());
        var publisher = EventCatalog.TryGetPublisher(type, out var p) ? p : throw new InvalidOperationException($"{type} declares no publisher.");
        return CloudEvent.Wrap(payload, Publishers.SourceOf(publisher), DateTimeOffset.UtcNow, id, correlationId ?? "tests-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Publishes <paramref name="payload"/> as its publisher; returns the message id.</summary>
    public async Task<string> PublishAsync(IIntegrationEvent payload, Guid? id = null)
    {
        var envelope = Wrap(payload, id);
        await PublishEnvelopeAsync(envelope);
        return envelope.Id;
    }

    /// <summary>Publishes an envelope as the declared publisher of its type (whatever its source says).</summary>
    public async Task PublishEnvelopeAsync(CloudEvent envelope)
    {
        var publisher = EventCatalog.TryGetPublisher(envelope.Type, out var p) ? p : throw new InvalidOperationException($"{envelope.Type} declares no publisher.");
        var properties = new BasicProperties
        {
            MessageId = envelope.Id,
            Type = envelope.Type,
            ContentType = CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            AppId = publisher,
            UserId = publisher,
            CorrelationId = envelope.CorrelationId,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            Headers = new Dictionary<string, object?> { [MessageHeaders.CorrelationId] = envelope.CorrelationId },
        };
        await _gate.WaitAsync();
        try
        {
            // A nack, or a connection the broker closed, is published again (on a new connection), as the
            // outbox relay does. A quorum queue deleted while a publish is routed to it makes RabbitMQ nack
            // the publish or close the connection with 541 INTERNAL_ERROR (rabbitmq-server#15333); in the
            // shared vhost / that queue can be another test class's, deleted at its end (both seen in CI).
            for (var attempt = 1; ; attempt++)
            {
                var channel = await ChannelAsync(publisher);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await channel.BasicPublishAsync(EventingOptions.EventsExchange, envelope.Type, mandatory: false, properties, envelope.ToUtf8Bytes(), timeout.Token);
                    break;
                }
                catch (Exception ex) when (attempt < 3 && ex is PublishException { IsReturn: false } or AlreadyClosedException or OperationInterruptedException)
                {
                    TestLog.Log($"publishing {envelope.Type} {envelope.Id} as {publisher} failed ({ex.Message}); attempt {attempt + 1}");
                    await Task.Delay(100 * attempt);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The open channel of <paramref name="publisher"/>'s connection; a closed one is replaced. Called under the gate.</summary>
    private async Task<IChannel> ChannelAsync(string publisher)
    {
        if (_channels.TryGetValue(publisher, out var open))
        {
            if (open.Channel.IsOpen && open.Connection.IsOpen)
            {
                return open.Channel;
            }

            _channels.Remove(publisher);
            await open.Channel.DisposeAsync();
            await open.Connection.DisposeAsync();
        }

        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMqFor(publisher, brokerUri)), ClientProvidedName = publisher + "-as-published-by-tests" };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        _channels[publisher] = (connection, channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (connection, channel) in _channels.Values)
        {
            await channel.DisposeAsync();
            await connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
