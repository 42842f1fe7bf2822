namespace Platform.Contracts;

/// <summary>
/// The event's wire name (CloudEvents <c>type</c> and the RabbitMQ routing key), e.g.
/// <c>donation.created</c>, and the one service that publishes it. Events are matched by this name,
/// never by CLR type name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>
    /// The only service allowed to publish it (a <see cref="Publishers"/> name). Everything about who
    /// may send the event derives from this: the broker user's topic permission, the consumers'
    /// check of <c>source</c>, <c>app-id</c> and <c>user-id</c>, and the catalogue table of the docs.
    /// An event without one fails <c>EventPublisherTests</c> and is parked by every consumer.
    /// </summary>
    public string? Publisher { get; set; }
}

/// <summary>Marks a record as an integration event of the catalogue.</summary>
public interface IIntegrationEvent;
