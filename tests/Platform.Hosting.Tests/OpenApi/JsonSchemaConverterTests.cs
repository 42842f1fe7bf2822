using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Platform.Hosting.OpenApi;

namespace Platform.Hosting.Tests.OpenApi;

public sealed class JsonSchemaConverterTests
{
    private static JsonNode Written(IOpenApiSchema schema)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return JsonNode.Parse(text.ToString())!;
    }

    [Fact]
    public void Every_keyword_the_api_uses_is_written_back_as_it_was()
    {
        // The writer puts a type list in its own (flag) order, null first: the order means nothing in JSON Schema.
        var schema = JsonNode.Parse("""
            {
              "type": "object",
              "description": "A thing.",
              "required": ["name", "amount"],
              "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 50 },
                "code": { "type": "string", "pattern": "^[0-9]+$" },
                "kind": { "type": ["null", "string"], "enum": ["tiny_widget", "big_widget", null] },
                "amount": { "type": "number", "minimum": 0.01, "maximum": 1000000, "multipleOf": 0.01 },
                "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 },
                "url": { "type": ["null", "string"], "format": "uri", "maxLength": 2048 },
                "tags": { "type": "array", "items": { "type": "string" } },
                "ids": { "type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": true, "items": { "type": "string", "format": "uuid" } },
                "by_key": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/Other" } },
                "either": { "anyOf": [{ "$ref": "#/components/schemas/Other" }, { "type": "boolean" }] }
              }
            }
            """)!;

        var converted = JsonSchemaConverter.Convert(schema, new OpenApiDocument());

        Assert.True(JsonNode.DeepEquals(schema, Written(converted)), Written(converted).ToJsonString());
        Assert.IsType<OpenApiSchemaReference>(converted.Properties!["either"].AnyOf![0]);
    }

    [Fact]
    public void A_type_list_in_any_order_and_a_boolean_schema_convert_to_the_model()
    {
        var schema = JsonNode.Parse("""{ "type": "object", "properties": { "note": { "type": ["string", "null"] }, "data": true, "never": false } }""")!;

        var converted = JsonSchemaConverter.Convert(schema, new OpenApiDocument());

        Assert.Equal(JsonSchemaType.String | JsonSchemaType.Null, converted.Properties!["note"].Type);
        Assert.Equal("{}", Written(converted.Properties["data"]).ToJsonString());
        Assert.Equal("""{"not":{}}""", Written(converted.Properties["never"]).ToJsonString());
    }

    [Fact]
    public void Any_json_value_of_a_model_is_written_as_the_empty_schema_never_the_boolean_true()
    {
        var written = Written(JsonSchemaConverter.Convert(OpenApiSchemas.For(typeof(OpenApiGeneratorTests.Note), allRequired: true), new OpenApiDocument()));

        Assert.Equal("""{"type":"object"}""", written["properties"]!["data"]!.ToJsonString());
        Assert.DoesNotContain(":true", written.ToJsonString(), StringComparison.Ordinal); // nor in the list's items or the map's values
        Assert.NotNull(written["properties"]!["extras"]);
        Assert.NotNull(written["properties"]!["by_key"]);
    }

    [Theory]
    [InlineData("""{ "type": "object", "minProperties": 1 }""", "'minProperties'")]
    [InlineData("""{ "$ref": "#/$defs/Thing" }""", "#/$defs/Thing")]
    [InlineData("""{ "properties": { "x": 3 } }""", "Not a JSON schema")]
    public void What_it_cannot_convert_fails_rather_than_being_dropped(string schema, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => JsonSchemaConverter.Convert(JsonNode.Parse(schema), new OpenApiDocument()));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
