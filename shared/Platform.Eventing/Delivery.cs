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
    bool Redelivered)
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

        return new Delivery(tag, session, body.ToArray(), headers, properties.MessageId, properties.Type, properties.CorrelationId, redelivered);
    }

    /// <summary>Properties for sending this message on (to a retry queue or to parking).</summary>
    public BasicProperties Forward(Dictionary<string, object?> headers) => new()
    {
        MessageId = MessageId,
        Type = Type,
        CorrelationId = CorrelationId,
        ContentType = Contracts.CloudEvent.EnvelopeContentType,
        DeliveryMode = DeliveryModes.Persistent,
        Headers = headers,
    };
}
