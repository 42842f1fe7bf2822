using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Platform.Hosting.Http;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// JSON schemas (2020-12, as OpenAPI 3.1 uses them) of the API's models, exported by System.Text.Json
/// with the API's own serializer settings, so snake_case names and number handling match the wire.
/// </summary>
public static class OpenApiSchemas
{
    // The API's options, honouring nullable annotations so that `string?` is ["string","null"] and `string` is "string".
    private static readonly JsonSerializerOptions SchemaOptions = new(PlatformJson.Options) { RespectNullableAnnotations = true };

    /// <summary>
    /// The schema of a model, with the rules declared on its properties (<see cref="Fields.Describe"/>).
    /// Responses always carry every field (<paramref name="allRequired"/>); request bodies require what
    /// their <see cref="RequiredAttribute"/>s say.
    /// </summary>
    public static JsonObject For(Type type, bool allRequired)
    {
        var node = SchemaOptions.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = false });
        if (node is not JsonObject schema)
        {
            throw new InvalidOperationException($"{type.Name} has no object schema.");
        }

        schema.Remove("$schema");
        schema.Remove("required"); // a boolean sub-schema (true for a JsonElement) is left to JsonSchemaConverter
        schema["type"] = "object"; // a body or response is never null itself (the exporter says ["object","null"] for classes)
        Fields.Describe(type, schema, allRequired);
        return schema;
    }

    public static JsonObject Uuid() => new() { ["type"] = "string", ["format"] = "uuid" };

    /// <summary>The snake_case words of an enum (a query parameter of an enum type).</summary>
    public static JsonObject EnumOf(Type enumType) =>
        new() { ["type"] = "string", ["enum"] = new JsonArray([.. EnumText.Names(enumType).Select(n => (JsonNode?)JsonValue.Create(n))]) };

    public static JsonObject Ref(string component) => new() { ["$ref"] = "#/components/schemas/" + component };

    /// <summary>A page of a list: <c>{ "items": [...], "next_cursor": "…" | null }</c>.</summary>
    public static JsonObject Page(string itemComponent) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("items", "next_cursor"),
        ["properties"] = new JsonObject
        {
            ["items"] = new JsonObject { ["type"] = "array", ["items"] = Ref(itemComponent) },
            ["next_cursor"] = new JsonObject
            {
                ["type"] = new JsonArray("string", "null"),
                ["description"] = "Pass as ?cursor= for the next page; null on the last page.",
            },
        },
    };

    /// <summary>An RFC 9457 problem as every error of the API is written.</summary>
    public static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["description"] = "RFC 9457 problem details (application/problem+json).",
        ["required"] = new JsonArray("type", "title", "status", "trace_id"),
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["format"] = "uri" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
            ["errors"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Validation errors only: the messages of each invalid field.",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            },
            ["trace_id"] = new JsonObject { ["type"] = "string", ["description"] = "Quote it when reporting a problem." },
        },
    };

    /// <summary>The body of GET /api/health/live.</summary>
    public static JsonObject Liveness() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("service", "status", "checked_at"),
        ["properties"] = new JsonObject
        {
            ["service"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("alive") },
            ["checked_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        },
    };

    /// <summary>The body of GET /api/health (both 200 and 503).</summary>
    public static JsonObject Health() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("service", "status", "checked_at", "checks"),
        ["properties"] = new JsonObject
        {
            ["service"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("healthy", "unhealthy") },
            ["checked_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["checks"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "One entry per dependency. database: up or down. broker: up, down, or blocked while a memory or disk alarm on the broker blocks publishing (details.reason; still healthy: events wait in the outbox). outbox: up, or parked when the relay parked a row the broker refused (details: unsent, oldest_unsent_age_seconds, parked). consumer, in services with a queue: starting, consuming or reconnecting (information: never a reason for 503). The status is 503 when the database or the broker is down.",
                ["additionalProperties"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("healthy", "status"),
                    ["properties"] = new JsonObject
                    {
                        ["healthy"] = new JsonObject { ["type"] = "boolean" },
                        ["status"] = new JsonObject { ["type"] = "string" },
                        ["details"] = new JsonObject { ["type"] = new JsonArray("object", "null") },
                    },
                },
            },
        },
    };
}
