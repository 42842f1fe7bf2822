using System.Collections.Frozen;
using System.Reflection;

namespace Platform.Contracts;

/// <summary>Every event type of the platform by its wire name, and back.</summary>
public static class EventCatalog
{
    private static readonly FrozenDictionary<string, Type> ByName;
    private static readonly FrozenDictionary<Type, string> ByType;

    static EventCatalog()
    {
        var events = typeof(EventCatalog).Assembly.GetTypes()
            .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .Select(t => (Type: t, Name: t.GetCustomAttribute<EventTypeAttribute>()?.Name
                ?? throw new InvalidOperationException($"{t.Name} has no [EventType] name.")))
            .ToList();
        var duplicate = events.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two events are named {duplicate.Key}.");
        }

        ByName = events.ToFrozenDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);
        ByType = events.ToFrozenDictionary(e => e.Type, e => e.Name);
    }

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static string NameOf(Type eventType) =>
        ByType.TryGetValue(eventType, out var name) ? name : throw new ArgumentException($"{eventType.Name} is not in the event catalogue.", nameof(eventType));

    public static string NameOf<TEvent>()
        where TEvent : IIntegrationEvent => NameOf(typeof(TEvent));

    public static bool TryGetType(string name, out Type type) => ByName.TryGetValue(name, out type!);
}
