using System.Text.Json.Nodes;
using Platform.Hosting.Http;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// What the validation of a model's fields enforces, for its JSON schema: required fields, text
/// lengths, URLs, enum words, number ranges. Field names are the snake_case JSON names; a name the
/// model does not have fails the document's generation (and so the tests).
/// </summary>
public sealed class ModelRules(Type model)
{
    private readonly Dictionary<string, List<Action<JsonObject>>> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _required = [];

    public Type Model { get; } = model;

    public IReadOnlyList<string> RequiredFields => _required;

    public IEnumerable<string> Fields => _fields.Keys;

    public ModelRules Required(params string[] fields)
    {
        _required.AddRange(fields);
        return this;
    }

    /// <summary>Text of <paramref name="min"/> to <paramref name="max"/> characters (after trimming).</summary>
    public ModelRules Text(string field, int min, int max) => Rule(field, s =>
    {
        if (min > 0)
        {
            s["minLength"] = min;
        }

        s["maxLength"] = max;
    });

    /// <summary>An absolute http(s) URL of at most 2,048 characters.</summary>
    public ModelRules Url(string field) => Rule(field, s =>
    {
        s["format"] = "uri";
        s["maxLength"] = 2048;
    });

    public ModelRules Uuid(string field) => Rule(field, s => s["format"] = "uuid");

    /// <summary>One of the enum's snake_case words.</summary>
    public ModelRules Enum<TEnum>(string field)
        where TEnum : struct, Enum => OneOf(field, [.. EnumText.Names<TEnum>()]);

    /// <summary>One of these words (e.g. a subset of an enum that the API accepts).</summary>
    public ModelRules OneOf(string field, params string[] words) => Rule(field, s =>
    {
        var values = new JsonArray(words.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        if (IsNullable(s))
        {
            values.Add(null);
        }

        s["enum"] = values;
    });

    public ModelRules Range(string field, decimal min, decimal max, decimal? multipleOf = null) => Rule(field, s =>
    {
        s["minimum"] = min;
        s["maximum"] = max;
        if (multipleOf is { } step)
        {
            s["multipleOf"] = step;
        }
    });

    /// <summary>A JSON object whose fields are not fixed (e.g. a JsonElement the code always fills with an object).</summary>
    public ModelRules Object(string field) => Rule(field, s => s["type"] = "object");

    public ModelRules Describe(string field, string description) => Rule(field, s => s["description"] = description);

    /// <summary>Applies the rules to a model's generated schema; throws for a field the model lacks.</summary>
    internal void Apply(JsonObject schema)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        foreach (var (field, rules) in _fields)
        {
            if (properties[field] is not JsonObject property)
            {
                throw new InvalidOperationException($"{Model.Name} has no JSON field '{field}' (rules name snake_case fields).");
            }

            rules.ForEach(rule => rule(property));
        }

        foreach (var field in _required)
        {
            if (properties[field] is not JsonObject property)
            {
                throw new InvalidOperationException($"{Model.Name} has no JSON field '{field}' to require.");
            }

            // Required means a value: null is refused like absence ("is required").
            if (property["type"] is JsonArray types)
            {
                var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
                property["type"] = kept.Count == 1 ? kept[0] : new JsonArray(kept.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
            }

            if (property["enum"] is JsonArray values)
            {
                property["enum"] = new JsonArray(values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray());
            }
        }
    }

    private static bool IsNullable(JsonObject schema) =>
        schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");

    private ModelRules Rule(string field, Action<JsonObject> rule)
    {
        if (!_fields.TryGetValue(field, out var rules))
        {
            _fields[field] = rules = [];
        }

        rules.Add(rule);
        return this;
    }
}
