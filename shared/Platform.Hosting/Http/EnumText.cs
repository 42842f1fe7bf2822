using System.Collections.Concurrent;
using System.Text.Json;

namespace Platform.Hosting.Http;

/// <summary>snake_case text for enum values, the same words the JSON and the database use.</summary>
public static class EnumText
{
    private static readonly ConcurrentDictionary<Type, (Dictionary<string, object> ByName, Dictionary<object, string> ByValue)> Cache = new();

    public static string ToText<TEnum>(this TEnum value)
        where TEnum : struct, Enum => Maps(typeof(TEnum)).ByValue[value];

    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (text is not null && Maps(typeof(TEnum)).ByName.TryGetValue(text, out var found))
        {
            value = (TEnum)found;
            return true;
        }

        value = default;
        return false;
    }

    public static TEnum Parse<TEnum>(string text)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value) ? value : throw new FormatException($"'{text}' is not a {typeof(TEnum).Name}.");

    public static IEnumerable<string> Names<TEnum>()
        where TEnum : struct, Enum => Maps(typeof(TEnum)).ByName.Keys;

    /// <summary>The words of an enum known only at run time (a query record's property).</summary>
    public static IReadOnlyCollection<string> Names(Type enumType) => Maps(enumType).ByName.Keys;

    public static bool TryParse(Type enumType, string text, out object? value) => Maps(enumType).ByName.TryGetValue(text, out value);

    private static (Dictionary<string, object> ByName, Dictionary<object, string> ByValue) Maps(Type type) =>
        Cache.GetOrAdd(type, static t =>
        {
            var byName = new Dictionary<string, object>(StringComparer.Ordinal);
            var byValue = new Dictionary<object, string>();
            foreach (var value in Enum.GetValues(t))
            {
                var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()!);
                byName[name] = value;
                byValue[value] = name;
            }

            return (byName, byValue);
        });
}
