using RabbitMQ.Client;

namespace Platform.Eventing;

/// <summary>
/// Declares the broker objects, idempotently, at start-up: the platform's topic exchange; per
/// consuming service a main queue bound to its routing keys, delayed-retry queues (TTL, then back
/// to the main queue), a dead-letter exchange and a parking queue.
/// </summary>
internal static class Topology
{
    public static Task DeclareEventsExchangeAsync(IChannel channel, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(EventingOptions.EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    public static async Task DeclareConsumerAsync(IChannel channel, EventingOptions options, IEnumerable<string> routingKeys, CancellationToken cancellationToken)
    {
        await DeclareEventsExchangeAsync(channel, cancellationToken);
        await channel.ExchangeDeclareAsync(EventingOptions.RetryExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(EventingOptions.DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);

        var quorum = string.Equals(options.QueueType, "quorum", StringComparison.OrdinalIgnoreCase);
        var parkingArguments = new Dictionary<string, object?> { ["x-queue-type"] = quorum ? "quorum" : "classic" };
        await channel.QueueDeclareAsync(options.ParkingQueue, durable: true, exclusive: false, autoDelete: false, parkingArguments, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(options.ParkingQueue, EventingOptions.DeadLetterExchange, options.Queue, cancellationToken: cancellationToken);

        var mainArguments = new Dictionary<string, object?>
        {
            ["x-queue-type"] = quorum ? "quorum" : "classic",
            ["x-dead-letter-exchange"] = EventingOptions.DeadLetterExchange,
            ["x-dead-letter-routing-key"] = options.Queue,
        };
        if (quorum)
        {
            mainArguments["x-delivery-limit"] = options.DeliveryLimit;
        }

        await channel.QueueDeclareAsync(options.Queue, durable: true, exclusive: false, autoDelete: false, mainArguments, cancellationToken: cancellationToken);
        foreach (var key in routingKeys.Distinct(StringComparer.Ordinal))
        {
            await channel.QueueBindAsync(options.Queue, EventingOptions.EventsExchange, key, cancellationToken: cancellationToken);
        }

        foreach (var delay in options.RetryDelays.Distinct())
        {
            var retryQueue = options.RetryQueue(delay);
            var retryArguments = new Dictionary<string, object?>
            {
                ["x-queue-type"] = "classic",
                ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = options.Queue,
            };
            await channel.QueueDeclareAsync(retryQueue, durable: true, exclusive: false, autoDelete: false, retryArguments, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(retryQueue, EventingOptions.RetryExchange, retryQueue, cancellationToken: cancellationToken);
        }
    }
}
