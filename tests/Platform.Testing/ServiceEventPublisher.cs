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
            if (!_channels.TryGetValue(publisher, out var open) || !open.Channel.IsOpen)
            {
                var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMqFor(publisher, brokerUri)), ClientProvidedName = publisher + "-as-published-by-tests" };
                var connection = await factory.CreateConnectionAsync();
                var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                _channels[publisher] = open = (connection, channel);
            }

            // A nack is published again, as the outbox relay does: the shared vhost routes a test's event to
            // every queue bound for its type, and one that another test deletes at that moment makes the
            // broker nack it (seen once in CI: a MessagingService test class's queue deleted at teardown).
            for (var attempt = 1; ; attempt++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await open.Channel.BasicPublishAsync(EventingOptions.EventsExchange, envelope.Type, mandatory: false, properties, envelope.ToUtf8Bytes(), timeout.Token);
                    break;
                }
                catch (PublishException ex) when (!ex.IsReturn && attempt < 3)
                {
                    await Task.Delay(100 * attempt);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
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
