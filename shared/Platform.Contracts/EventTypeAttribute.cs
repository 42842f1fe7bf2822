namespace Platform.Contracts;

/// <summary>
/// The event's wire name (CloudEvents <c>type</c> and the RabbitMQ routing key), e.g.
/// <c>donation.created</c>. Events are matched by this name, never by CLR type name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Marks a record as an integration event of the catalogue.</summary>
public interface IIntegrationEvent;
