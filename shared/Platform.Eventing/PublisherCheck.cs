using Platform.Contracts;

namespace Platform.Eventing;

/// <summary>
/// Who sent a message, checked before any handler runs (issue 18, authenticated events). The
/// event's <c>type</c> names its one publisher in the catalogue (<see cref="EventTypeAttribute.Publisher"/>);
/// the envelope's <c>source</c>, the AMQP <c>app-id</c> and the AMQP <c>user-id</c> must all name
/// that publisher. RabbitMQ refuses a publish whose <c>user-id</c> is not the connection's user, so
/// <c>user-id</c> is the one fact a client cannot forge: it proves which broker credential sent it.
/// A message this consumer sent on itself (a retry, or a parked message re-queued) carries this
/// service's own <c>user-id</c> and the original one in <see cref="MessageHeaders.OriginalUserId"/>.
/// Every step is a comparison or a frozen-dictionary lookup: O(1) per message.
/// </summary>
public sealed class PublisherCheck(string ownUser)
{
    /// <summary>The broker user this service connects as; its retries are published under it.</summary>
    public string OwnUser { get; } = ownUser;

    /// <summary>Why the message must not be handled, or null when its publisher is the event's own.</summary>
    public string? Refusal(string type, string source, string? appId, string? userId, string? originalUserId)
    {
        if (!EventCatalog.TryGetPublisher(type, out var publisher))
        {
            return $"'{type}' declares no publisher in the event catalogue, so no service may publish it.";
        }

        var sender = userId == OwnUser && originalUserId is not null ? originalUserId : userId;
        if (sender != publisher)
        {
            return sender is null
                ? $"'{type}' came without an AMQP user-id; only {publisher} publishes it, and always says so."
                : $"'{type}' was published by broker user '{sender}', but only {publisher} publishes it.";
        }

        if (appId != publisher)
        {
            return $"'{type}' came with AMQP app-id '{appId}', not its publisher {publisher}.";
        }

        return source == Publishers.SourceOf(publisher)
            ? null
            : $"'{type}' came with CloudEvents source '{source}', not its publisher's {Publishers.SourceOf(publisher)}.";
    }

    /// <summary>The user name of an amqp(s):// URI (RabbitMQ.Client's default, guest, when it has none).</summary>
    public static string UserOf(string connectionString)
    {
        var userInfo = new Uri(connectionString).UserInfo;
        var user = Uri.UnescapeDataString(userInfo.Split(':', 2)[0]);
        return user.Length > 0 ? user : "guest";
    }
}
