using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Hosting.Http;

/// <summary>A list of <paramref name="min"/> to <paramref name="max"/> distinct UUIDs in text (e.g. ids in a chosen order).</summary>
public sealed class UuidListAttribute(int min, int max) : FieldRuleAttribute
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        var items = ((System.Collections.IEnumerable)value).Cast<object?>().ToList();
        if (items.Count < Min || items.Count > Max)
        {
            validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"must hold {Min} to {Max} ids"));
            return value;
        }

        var seen = new HashSet<Guid>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not string text || !Ids.TryParse(text, out var id))
            {
                validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"item {i} must be a UUID"));
            }
            else if (!seen.Add(id))
            {
                validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"item {i} repeats an id"));
            }
        }

        return value;
    }

    public override void Describe(JsonObject schema)
    {
        schema["minItems"] = Min;
        schema["maxItems"] = Max;
        schema["uniqueItems"] = true;
        schema["items"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" };
    }
}
