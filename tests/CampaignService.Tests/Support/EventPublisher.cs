using Platform.Contracts;
using Platform.Eventing;
using Platform.Testing;
using RabbitMQ.Client;

namespace CampaignService.Tests.Support;

/// <summary>
/// Publishes catalogue events to the platform's exchange as their owning service's outbox relay
/// would (CloudEvents envelope, routing key = event type, persistent, confirmed), so the service
/// under test receives them through its real queue, consumer and inbox.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private EventPublisher(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<EventPublisher> ConnectAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq), ClientProvidedName = "campaign-service-tests" };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(EventingOptions.EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false);
        return new EventPublisher(connection, channel);
    }

    /// <summary>Wraps <paramref name="payload"/> as if <paramref name="source"/> had published it, waits for the broker's confirm, returns the message id.</summary>
    public async Task<string> PublishAsync(IIntegrationEvent payload, string source = "/donation-service")
    {
        var envelope = CloudEvent.Wrap(payload, source, DateTimeOffset.UtcNow, correlationId: "campaign-tests-" + Guid.NewGuid().ToString("N"));
        var properties = new BasicProperties
        {
            MessageId = envelope.Id,
            Type = envelope.Type,
            ContentType = CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            AppId = "campaign-service-tests",
            CorrelationId = envelope.CorrelationId,
            Headers = new Dictionary<string, object?> { [MessageHeaders.CorrelationId] = envelope.CorrelationId },
        };
        await _gate.WaitAsync();
        try
        {
            await _channel.BasicPublishAsync(EventingOptions.EventsExchange, envelope.Type, mandatory: false, properties, envelope.ToUtf8Bytes());
        }
        finally
        {
            _gate.Release();
        }

        return envelope.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
