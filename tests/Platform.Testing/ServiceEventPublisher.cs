using Platform.Contracts;
using Platform.Eventing;

namespace Platform.Testing;

/// <summary>
/// Publishes catalogue events as their declared publisher's outbox relay does: over that service's
/// own broker user (so with its AMQP <c>user-id</c>), its <c>app-id</c> and CloudEvents <c>source</c>,
/// routing key = type, persistent, confirmed. A service under test receives them through its real
/// queue, consumer, publisher check and inbox. One connection per publisher, opened on first use.
/// </summary>
public sealed class ServiceEventPublisher(string? brokerUri = null) : IAsyncDisposable
{
    private readonly Dictionary<string, BrokerClient> _clients = new(StringComparer.Ordinal);
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
        BrokerClient? client;
        await _gate.WaitAsync();
        try
        {
            if (!_clients.TryGetValue(publisher, out client))
            {
                client = await BrokerClient.ConnectAsync(TestEnvironment.RabbitMqFor(publisher, brokerUri), publisher + "-as-published-by-tests");
                _clients[publisher] = client;
            }
        }
        finally
        {
            _gate.Release();
        }

        // The client sets the user-id of its connection (the publisher's user) and publishes again after a nack or a closed connection.
        await client.PublishEnvelopeAsync(envelope, appId: publisher);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        _gate.Dispose();
    }
}
