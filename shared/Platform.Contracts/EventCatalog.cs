using System.Collections.Frozen;
using System.Reflection;

namespace Platform.Contracts;

/// <summary>Every event type of the platform by its wire name, and back.</summary>
public static class EventCatalog
{
    private static readonly FrozenDictionary<string, Type> ByName;
    private static readonly FrozenDictionary<Type, string> ByType;
    private static readonly FrozenDictionary<string, string> PublisherByName;

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
        PublisherByName = events
            .Select(e => (e.Name, Publisher: e.Type.GetCustomAttribute<EventTypeAttribute>()!.Publisher))
            .Where(e => !string.IsNullOrEmpty(e.Publisher))
            .ToFrozenDictionary(e => e.Name, e => e.Publisher!, StringComparer.Ordinal);
    }

    /// <summary>Events whose <see cref="EventTypeAttribute.Publisher"/> is missing: a test fails on any, and consumers park them.</summary>
    public static IReadOnlyList<string> WithoutPublisher => ByName.Keys.Where(n => !PublisherByName.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The one service allowed to publish <paramref name="name"/> (a frozen-dictionary lookup: O(1) per message).</summary>
    public static bool TryGetPublisher(string name, out string publisher) => PublisherByName.TryGetValue(name, out publisher!);

    /// <summary>The event types <paramref name="publisher"/> publishes, in wire-name order.</summary>
    public static IReadOnlyList<string> PublishedBy(string publisher) =>
        PublisherByName.Where(p => p.Value == publisher).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static string NameOf(Type eventType) =>
        ByType.TryGetValue(eventType, out var name) ? name : throw new ArgumentException($"{eventType.Name} is not in the event catalogue.", nameof(eventType));

    public static string NameOf<TEvent>()
        where TEvent : IIntegrationEvent => NameOf(typeof(TEvent));

    public static bool TryGetType(string name, out Type type) => ByName.TryGetValue(name, out type!);
}
