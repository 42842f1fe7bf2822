using System.Text.Json.Nodes;
using Platform.Hosting.OpenApi;

namespace Platform.Hosting.Tests.OpenApi;

public sealed class OpenApiLintTests
{
    private static JsonNode Document(string operation) => JsonNode.Parse($$"""
        {
          "openapi": "3.1.0",
          "paths": { "/things/{id}": { "post": {{operation}} } },
          "components": {
            "schemas": { "Problem": { "type": "object" }, "Thing": { "type": "object" } },
            "responses": { "NotFound": { "description": "no", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } } }
          }
        }
        """)!;

    private const string Problem = """{ "description": "x", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }""";

    [Fact]
    public void A_sound_operation_passes()
    {
        var document = Document($$"""
            {
              "operationId": "ChangeThing", "summary": "Change a thing",
              "security": [ { "supabase": [] } ],
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
              "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
              "responses": {
                "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                "400": {{Problem}}, "401": {{Problem}}, "404": { "$ref": "#/components/responses/NotFound" },
                "413": {{Problem}}, "415": {{Problem}}, "503": {{Problem}}
              }
            }
            """);

        Assert.Empty(OpenApiLint.Check(document));
    }

    [Fact]
    public void Missing_implied_errors_plain_json_errors_missing_schemas_and_dangling_refs_are_reported()
    {
        var document = Document("""
            {
              "operationId": "ChangeThing", "summary": "Change a thing",
              "security": [ { "supabase": [] } ],
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
              "requestBody": { "content": { "application/json": { } } },
              "responses": {
                "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Gone" } } } },
                "404": { "description": "no", "content": { "application/json": { "schema": { "type": "object" } } } }
              }
            }
            """);

        var problems = OpenApiLint.Check(document);

        Assert.Contains(problems, p => p.Contains("must list 401", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("must list 400", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("must list 413", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("must list 415", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("must list 503", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("request body: application/json has no schema", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("404: errors are application/problem+json", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("#/components/schemas/Gone does not resolve", StringComparison.Ordinal));
    }

    [Fact]
    public void Path_parameters_must_match_the_template()
    {
        var document = Document($$"""
            { "operationId": "X", "summary": "x", "responses": { "204": { "description": "done" }, "503": {{Problem}} } }
            """);

        Assert.Contains(OpenApiLint.Check(document), p => p.Contains("do not match the template", StringComparison.Ordinal));
    }

    [Fact]
    public void An_operation_that_declares_no_security_is_reported_and_an_empty_list_passes()
    {
        string Operation(string security) => $$"""
            {
              "operationId": "X", "summary": "x", {{security}}
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
              "responses": { "204": { "description": "done" }, "400": {{Problem}}, "404": {{Problem}}, "503": {{Problem}} }
            }
            """;

        Assert.Contains(OpenApiLint.Check(Document(Operation(string.Empty))), p => p.Contains("POST /things/{id}: declares no security", StringComparison.Ordinal));
        Assert.Empty(OpenApiLint.Check(Document(Operation("\"security\": [],"))));
    }

    [Fact]
    public void Boolean_schemas_are_reported_wherever_they_are()
    {
        var document = JsonNode.Parse($$"""
            {
              "openapi": "3.1.0",
              "paths": { "/things": { "get": {
                "operationId": "X", "summary": "x", "security": [],
                "parameters": [ { "name": "q", "in": "query", "schema": true } ],
                "responses": {
                  "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "array", "items": true } } } },
                  "400": {{Problem}}, "503": {{Problem}}
                }
              } } },
              "components": { "schemas": {
                "Problem": { "type": "object" },
                "Thing": { "type": "object", "properties": { "data": true, "list": { "anyOf": [ { "type": "string" }, false ] } }, "additionalProperties": false }
              } }
            }
            """)!;

        var problems = OpenApiLint.Check(document).Where(p => p.Contains("boolean schema", StringComparison.Ordinal)).ToList();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("#/components/schemas/Thing/properties/data: the boolean schema true", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("#/components/schemas/Thing/properties/list/anyOf/1: the boolean schema false", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("#/components/schemas/Thing/additionalProperties:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("#/paths//things/get/parameters/0/schema:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("application/json/schema/items: the boolean schema true (OpenAPI readers such as Kiota's fail on it: write {} for any value)", StringComparison.Ordinal));
    }
}
