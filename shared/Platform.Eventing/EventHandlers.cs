using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Data;

namespace Platform.Eventing;

/// <summary>What a handler knows about the message it handles.</summary>
/// <param name="Envelope">The CloudEvents envelope as received.</param>
/// <param name="Work">The transaction that also records the message in the inbox: write effects here.</param>
/// <param name="Attempt">1 for the first delivery, 2 and more for retries.</param>
public sealed record EventContext(CloudEvent Envelope, UnitOfWork Work, int Attempt);

/// <summary>Handles one event type; its effects commit with the inbox row, or not at all.</summary>
public interface IEventHandler<in TEvent>
    where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken);
}

/// <summary>Handlers by event type name, as registered by the service.</summary>
public sealed class EventHandlerRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> EventTypes => _handlers.Keys;

    /// <summary>Registers the handler of <typeparamref name="TEvent"/>; its queue binds that event's routing key.</summary>
    public EventHandlerRegistry Handle<TEvent, THandler>()
        where TEvent : IIntegrationEvent
        where THandler : class, IEventHandler<TEvent>
    {
        var name = EventCatalog.NameOf<TEvent>();
        if (!_handlers.TryAdd(name, (services, message, context, ct) =>
                ActivatorUtilities.GetServiceOrCreateInstance<THandler>(services).HandleAsync((TEvent)message, context, ct)))
        {
            throw new InvalidOperationException($"{name} already has a handler.");
        }

        return this;
    }

    internal bool TryGet(string eventType, out Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task> handler) =>
        _handlers.TryGetValue(eventType, out handler!);
}
