using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Auth;

namespace Platform.Hosting.Http;

/// <summary>One field of a body, query or view: its JSON (or query) name and the rules declared on it.</summary>
public sealed record Field(string Name, PropertyInfo Property, RequiredAttribute? Required, IReadOnlyList<FieldRuleAttribute> Rules, string? Description)
{
    /// <summary>The property's type without <c>Nullable&lt;&gt;</c>.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
}

/// <summary>
/// Reads the rules declared on a record's properties (<see cref="FieldRuleAttribute"/>,
/// <see cref="RequiredAttribute"/>, <see cref="DescriptionAttribute"/>) and applies them: to check a
/// request body, to bind a query string, and to describe the JSON schema of the OpenAPI document.
/// Names are the wire names (snake_case, or <c>[JsonPropertyName]</c>), taken from the API's own
/// serializer settings.
/// </summary>
public static class Fields
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Field>> Cache = new();
    private static readonly ConcurrentDictionary<Type, (ConstructorInfo Constructor, int[] FieldOfParameter)> Constructors = new();

    /// <summary>
    /// The declared fields of a type: its settable or constructor-bound properties, and the computed
    /// (get-only) ones that declare a rule, such as a view's fixed <c>view</c> word.
    /// </summary>
    public static IReadOnlyList<Field> Of(Type type) => Cache.GetOrAdd(type, static t =>
        [.. PlatformJson.Options.GetTypeInfo(t).Properties
            .Where(p => p.AttributeProvider is PropertyInfo property
                && (p.Set is not null || p.AssociatedParameter is not null || property.IsDefined(typeof(FieldRuleAttribute), inherit: true)))
            .Select(p =>
            {
                var property = (PropertyInfo)p.AttributeProvider!;
                return new Field(
                    p.Name,
                    property,
                    property.GetCustomAttribute<RequiredAttribute>(),
                    [.. property.GetCustomAttributes<FieldRuleAttribute>()],
                    property.GetCustomAttribute<DescriptionAttribute>()?.Description);
            })]);

    /// <summary>
    /// Checks a deserialized body against its declared rules and its own <see cref="ICheckedInput"/>
    /// rules, and keeps the checked values in it (trimmed text, an empty optional URL as null).
    /// </summary>
    public static Validation Check<T>(T body, Caller? caller)
        where T : class
    {
        var validation = new Validation();
        foreach (var field in Of(typeof(T)))
        {
            var value = field.Property.GetValue(body);
            if (value is null)
            {
                if (field.Required is { } required)
                {
                    validation.Add(field.Name, required.Message);
                }

                continue;
            }

            var kept = value;
            foreach (var rule in field.Rules)
            {
                kept = rule.Check(field.Name, kept, field.Required is not null, validation);
                if (kept is null)
                {
                    break;
                }
            }

            if (!Equals(kept, value) && field.Property.CanWrite)
            {
                field.Property.SetValue(body, kept);
            }
        }

        (body as ICheckedInput)?.Check(validation, caller);
        return validation;
    }

    /// <summary>
    /// Builds a query record from the query string: each property is a single-valued parameter of its
    /// wire name (an enum's words, a UUID, true or false, or text of at most its <see cref="TextAttribute"/>
    /// length, else 200), constructed through the record's constructor.
    /// </summary>
    public static T Bind<T>(HttpRequest request, Validation validation, Caller? caller)
        where T : class
    {
        var reader = new QueryReader(request, validation);
        var (constructor, fieldOfParameter) = Constructors.GetOrAdd(typeof(T), ConstructorOf);
        var fields = Of(typeof(T));
        var values = new object?[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            values[i] = Read(reader, validation, fields[i]);
            if (values[i] is string text && !validation.Has(fields[i].Name))
            {
                // The text's other rules (a pattern, search words), as a body's: the document describes them for query parameters too.
                foreach (var rule in fields[i].Rules.Where(r => r is not TextAttribute))
                {
                    rule.Check(fields[i].Name, text, fields[i].Required is not null, validation);
                }
            }

            if (values[i] is null && fields[i].Required is { } required && !validation.Has(fields[i].Name))
            {
                validation.Add(fields[i].Name, required.Message);
            }
        }

        var query = (T)constructor.Invoke([.. fieldOfParameter.Select(i => values[i])]);
        (query as ICheckedInput)?.Check(validation, caller);
        return query;
    }

    /// <summary>The JSON schema of a query parameter, from its property's type and rules.</summary>
    public static JsonObject QuerySchema(Field field)
    {
        var type = field.ValueType;
        var schema = type.IsEnum
            ? OpenApi.OpenApiSchemas.EnumOf(type)
            : type == typeof(Guid) ? OpenApi.OpenApiSchemas.Uuid()
            : type == typeof(bool) ? new JsonObject { ["type"] = "boolean" }
            : new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = MaxLength(field) };
        if (type == typeof(string))
        {
            field.Rules.Where(r => r is not TextAttribute).ToList().ForEach(r => r.Describe(schema));
        }

        return schema;
    }

    /// <summary>
    /// Writes the declared rules into a model's exported JSON schema: each field's rules and
    /// description, and the required fields (<paramref name="allRequired"/> for responses, which
    /// always carry every field). A required field's schema no longer admits null.
    /// </summary>
    public static void Describe(Type type, JsonObject schema, bool allRequired)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        var required = new List<string>();
        foreach (var field in Of(type))
        {
            if (properties[field.Name] is JsonValue any && any.TryGetValue<bool>(out var isTrue) && isTrue)
            {
                properties[field.Name] = new JsonObject(); // the exporter's "any value" (a JsonElement), so that rules can narrow it
            }

            if (properties[field.Name] is not JsonObject property)
            {
                continue;
            }

            field.Rules.ToList().ForEach(rule => rule.Describe(property));
            if (field.Description is { } description)
            {
                property["description"] = description;
            }

            if (field.Required is not null || (field.Property.SetMethod is null && new NullabilityInfoContext().Create(field.Property).ReadState == NullabilityState.NotNull))
            {
                // A computed property is only ever written: its getter says whether it can be null (the
                // schema exporter, which looks at the setter, says it can when there is none).
                NotNull(property);
            }

            if (allRequired || field.Required is not null)
            {
                required.Add(field.Name);
            }
        }

        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Select(r => (JsonNode?)JsonValue.Create(r))]);
        }
    }

    private static object? Read(QueryReader reader, Validation validation, Field field)
    {
        var type = field.ValueType;
        if (type == typeof(Guid))
        {
            return reader.Uuid(field.Name);
        }

        if (type == typeof(bool))
        {
            return reader.Flag(field.Name);
        }

        var text = reader.Text(field.Name, MaxLength(field));
        if (text is null || !type.IsEnum)
        {
            return text;
        }

        return validation.OneOf(field.Name, text, EnumText.Names(type)) && EnumText.TryParse(type, text, out var value) ? value : null;
    }

    /// <summary>A query record's constructor, and for each of its parameters the field it takes (by property name).</summary>
    private static (ConstructorInfo, int[]) ConstructorOf(Type type)
    {
        var constructor = type.GetConstructors().Single();
        var fields = Of(type);
        return (constructor, [.. constructor.GetParameters().Select(p =>
            fields.Select((f, i) => (f, i)).Single(x => string.Equals(x.f.Property.Name, p.Name, StringComparison.OrdinalIgnoreCase)).i)]);
    }

    private static int MaxLength(Field field) => field.Rules.OfType<TextAttribute>().FirstOrDefault()?.Max ?? 200;

    private static void NotNull(JsonObject property)
    {
        if (property["type"] is JsonArray types)
        {
            var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            property["type"] = kept.Count == 1 ? kept[0] : new JsonArray([.. kept.Select(t => (JsonNode?)JsonValue.Create(t))]);
        }

        if (property["enum"] is JsonArray values)
        {
            property["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
        }
    }
}
