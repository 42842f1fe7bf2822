using RabbitMQ.Client;

namespace Platform.Eventing;

/// <summary>A received message, copied out of the client's buffers so that it outlives the callback.</summary>
internal sealed record Delivery(
    ulong Tag,
    long Session,
    byte[] Body,
    Dictionary<string, object?> Headers,
    string? MessageId,
    string? Type,
    string? CorrelationId,
    bool Redelivered,
    string? AppId = null,
    long PublishedAt = 0)
{
    public int Attempt => MessageHeaders.GetInt(Headers, MessageHeaders.Attempt, 1);

    public static Delivery Copy(ulong tag, long session, ReadOnlyMemory<byte> body, IReadOnlyBasicProperties properties, bool redelivered)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (properties.Headers is { } source)
        {
            foreach (var (key, value) in source)
            {
                headers[key] = value is byte[] bytes ? bytes.ToArray() : value;
            }
        }

        return new Delivery(
            tag, session, body.ToArray(), headers, properties.MessageId, properties.Type, properties.CorrelationId, redelivered,
            properties.AppId, properties.IsTimestampPresent() ? properties.Timestamp.UnixTime : 0);
    }

    /// <summary>
    /// When the outbox relay published this message (AMQP timestamp, Unix seconds; 0 when absent). Retries
    /// and parking keep it, so a message re-queued from parking still tells how old it is.
    /// </summary>
    public DateTimeOffset? Published => PublishedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(PublishedAt) : null;

    /// <summary>Properties for sending this message on (to a retry queue or to parking): the publisher and publish time are kept.</summary>
    public BasicProperties Forward(Dictionary<string, object?> headers)
    {
        var properties = new BasicProperties
        {
            MessageId = MessageId,
            AppId = AppId,
            Type = Type,
            CorrelationId = CorrelationId,
            ContentType = Contracts.CloudEvent.EnvelopeContentType,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
        if (PublishedAt > 0)
        {
            properties.Timestamp = new AmqpTimestamp(PublishedAt);
        }

        return properties;
    }
}
