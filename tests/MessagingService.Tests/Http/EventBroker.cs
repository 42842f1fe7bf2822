using Platform.Contracts;
using Platform.Eventing;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MessagingService.Tests.Http;

/// <summary>The tests' own RabbitMQ connection: publishes envelopes to the platform's exchange as another service's relay would.</summary>
public sealed class EventBroker : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ServiceEventPublisher _publishers;

    private EventBroker(IConnection connection, IChannel channel, string brokerUri)
    {
        _connection = connection;
        _channel = channel;
        _publishers = new(brokerUri);
    }

    /// <summary>Connects as the administrator to the broker (and vhost) of <paramref name="brokerUri"/>; events are published there.</summary>
    public static async Task<EventBroker> ConnectAsync(string brokerUri)
    {
        var factory = new ConnectionFactory { Uri = new Uri(brokerUri), ClientProvidedName = "messaging-service-tests" };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new EventBroker(connection, channel, brokerUri);
    }

    /// <summary>Wraps and publishes an event <paramref name="times"/> times with the same envelope id (a redelivery); returns the id.</summary>
    public async Task<string> PublishAsync(IIntegrationEvent payload, int times = 1, Guid? id = null)
    {
        var envelope = ServiceEventPublisher.Wrap(payload, id ?? Guid.CreateVersion7());
        for (var i = 0; i < times; i++)
        {
            await PublishEnvelopeAsync(envelope);
        }

        return envelope.Id;
    }

    /// <summary>Publishes as the envelope's declared publisher would (its own broker user, app-id and user-id).</summary>
    public Task PublishEnvelopeAsync(CloudEvent envelope) => _publishers.PublishEnvelopeAsync(envelope);

    /// <summary>Waits until the queue exists, is bound and has a consumer (the service declared it).</summary>
    public async Task WaitForConsumerAsync(string queue, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var channel = await _connection.CreateChannelAsync();
                if ((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (OperationInterruptedException)
            {
                // Not declared yet (a passive declare of a missing queue closes the channel).
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Nobody consumes {queue} after {timeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DeleteQueuesAsync(IEnumerable<string> queues)
    {
        foreach (var queue in queues)
        {
            try
            {
                await using var channel = await _connection.CreateChannelAsync();
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
            }
            catch (OperationInterruptedException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _publishers.DisposeAsync();
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
