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
    long PublishedAt = 0,
    string? UserId = null)
{
    /// <summary>When the worker process received it (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();

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
            properties.AppId, properties.IsTimestampPresent() ? properties.Timestamp.UnixTime : 0, properties.UserId);
    }

    /// <summary>
    /// When the outbox relay published this message (AMQP timestamp, Unix seconds; 0 when absent). Retries
    /// and parking keep it, so a message re-queued from parking still tells how old it is.
    /// </summary>
    public DateTimeOffset? Published => PublishedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(PublishedAt) : null;

    /// <summary>The publisher's broker user: <see cref="UserId"/>, or the original one when this consumer sent the message on itself.</summary>
    public string? OriginalUserId => MessageHeaders.GetString(Headers, MessageHeaders.OriginalUserId);

    /// <summary>
    /// Properties for sending this message on (to a retry queue or to parking): the publisher and publish
    /// time are kept. The broker takes only the connection's own user as <c>user-id</c>, so the message
    /// goes on under <paramref name="ownUser"/> and the original publisher's user travels in
    /// <see cref="MessageHeaders.OriginalUserId"/>. That header is believed only on a message under this
    /// service's own user (it sent it on); on any other it is replaced, so a publisher cannot bring its
    /// own "original" user through a retry or a parking queue.
    /// </summary>
    public BasicProperties Forward(Dictionary<string, object?> headers, string ownUser)
    {
        if (UserId != ownUser)
        {
            headers.Remove(MessageHeaders.OriginalUserId);
            if (UserId is not null)
            {
                headers[MessageHeaders.OriginalUserId] = UserId;
            }
        }

        var properties = new BasicProperties
        {
            MessageId = MessageId,
            AppId = AppId,
            UserId = ownUser,
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
