using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// Reads a JSON Schema (2020-12) as <see cref="OpenApiSchemas.For"/> exports a model's and as query
/// parameters are written, into Microsoft.OpenApi's schema model. It knows the keywords those schemas
/// use and fails on any other, so that no rule is dropped on the way into the document unseen.
/// </summary>
public static class JsonSchemaConverter
{
    private const string ComponentPrefix = "#/components/schemas/";

    /// <summary>The schema; a <c>$ref</c> to a component becomes a reference held by <paramref name="document"/>.</summary>
    public static IOpenApiSchema Convert(JsonNode? node, OpenApiDocument document)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<bool>(out var any):
                return any ? new OpenApiSchema() : new OpenApiSchema { Not = new OpenApiSchema() };
            case JsonObject { Count: 1 } reference when reference["$ref"]?.GetValue<string>() is { } target:
                return target.StartsWith(ComponentPrefix, StringComparison.Ordinal)
                    ? new OpenApiSchemaReference(target[ComponentPrefix.Length..], document)
                    : throw new InvalidOperationException($"Only references to component schemas are converted, not '{target}'.");
            case JsonObject keywords:
                var schema = new OpenApiSchema();
                foreach (var (keyword, value) in keywords)
                {
                    Apply(schema, keyword, value ?? throw new InvalidOperationException($"The JSON schema keyword '{keyword}' is null."), document);
                }

                return schema;
            default:
                throw new InvalidOperationException($"Not a JSON schema: {node?.ToJsonString() ?? "null"}.");
        }
    }

    private static void Apply(OpenApiSchema schema, string keyword, JsonNode value, OpenApiDocument document)
    {
        switch (keyword)
        {
            case "type":
                schema.Type = value is JsonArray types ? types.Aggregate(default(JsonSchemaType), (all, type) => all | TypeOf(type)) : TypeOf(value);
                break;
            case "format":
                schema.Format = value.GetValue<string>();
                break;
            case "description":
                schema.Description = value.GetValue<string>();
                break;
            case "enum":
                schema.Enum = value.AsArray().Select(v => v?.DeepClone() ?? JsonNullSentinel.JsonNull).ToList();
                break;
            case "default":
                schema.Default = value.DeepClone();
                break;
            case "minLength":
                schema.MinLength = value.GetValue<int>();
                break;
            case "maxLength":
                schema.MaxLength = value.GetValue<int>();
                break;
            case "pattern":
                schema.Pattern = value.GetValue<string>();
                break;
            case "minimum":
                schema.Minimum = value.ToJsonString(); // the number as written (the model keeps bounds as JSON text)
                break;
            case "maximum":
                schema.Maximum = value.ToJsonString();
                break;
            case "multipleOf":
                schema.MultipleOf = value.GetValue<decimal>();
                break;
            case "required":
                schema.Required = new HashSet<string>(value.AsArray().Select(name => name!.GetValue<string>()), StringComparer.Ordinal);
                break;
            case "properties":
                schema.Properties = value.AsObject().ToDictionary(p => p.Key, p => Convert(p.Value, document), StringComparer.Ordinal);
                break;
            case "items":
                schema.Items = Convert(value, document);
                break;
            case "minItems":
                schema.MinItems = value.GetValue<int>();
                break;
            case "maxItems":
                schema.MaxItems = value.GetValue<int>();
                break;
            case "uniqueItems":
                schema.UniqueItems = value.GetValue<bool>();
                break;
            case "additionalProperties":
                schema.AdditionalProperties = Convert(value, document);
                break;
            case "anyOf":
                schema.AnyOf = value.AsArray().Select(s => Convert(s, document)).ToList();
                break;
            default:
                throw new InvalidOperationException($"The JSON schema keyword '{keyword}' has no conversion to the OpenAPI model: add it to {nameof(JsonSchemaConverter)}.");
        }
    }

    private static JsonSchemaType TypeOf(JsonNode? type) => Enum.Parse<JsonSchemaType>(type!.GetValue<string>(), ignoreCase: true);
}
