using Platform.Hosting.OpenApi;

namespace Platform.Hosting.Tests.OpenApi;

public sealed class OpenApiLintTests
{
    private const string Problem = """{ "description": "x", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }""";

    private const string TooMany = """{ "description": "x", "headers": { "Retry-After": { "schema": { "type": "integer" } } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }""";

    private const string Sound = $$"""
        {
          "operationId": "ChangeThing", "summary": "Change a thing",
          "security": [ { "supabase": [] } ],
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
          "responses": {
            "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
            "400": {{Problem}}, "401": {{Problem}}, "404": { "$ref": "#/components/responses/NotFound" },
            "413": {{Problem}}, "415": {{Problem}}, "429": {{TooMany}}, "503": {{Problem}}
          }
        }
        """;

    private static string Document(string operation, string path = "/things/{id}", string version = "3.1.0") => $$"""
        {
          "openapi": "{{version}}",
          "info": { "title": "things", "version": "1.0.0" },
          "paths": { "{{path}}": { "post": {{operation}} } },
          "components": {
            "schemas": { "Problem": { "type": "object" }, "Thing": { "type": "object" } },
            "responses": { "NotFound": { "description": "no", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } } },
            "securitySchemes": { "supabase": { "type": "http", "scheme": "bearer" } }
          }
        }
        """;

    private static void Reports(IReadOnlyList<string> problems, params string[] expected)
    {
        foreach (var text in expected)
        {
            Assert.True(problems.Any(p => p.Contains(text, StringComparison.Ordinal)), $"no problem says '{text}' in:\n{string.Join("\n", problems)}");
        }
    }

    [Fact]
    public void A_sound_operation_passes()
    {
        Assert.Empty(OpenApiLint.Check(Document(Sound)));
        Assert.Equal(["POST /things/{id}"], OpenApiLint.Operations(OpenApiLint.Read(Document(Sound))));
    }

    [Fact]
    public void Missing_implied_errors_plain_json_errors_missing_schemas_and_dangling_refs_are_reported()
    {
        var document = Document("""
            {
              "operationId": "ChangeThing", "summary": "Change a thing",
              "security": [ { "supabase": [] } ],
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "$ref": "#/components/parameters/Gone" } ],
              "requestBody": { "content": { "application/json": { } } },
              "responses": {
                "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Gone" } } } },
                "404": { "description": "no", "content": { "application/json": { "schema": { "type": "object" } } } },
                "409": { "$ref": "#/components/responses/Gone" }
              }
            }
            """);

        Reports(
            OpenApiLint.Check(document),
            "must list 401",
            "must list 400",
            "must list 413",
            "must list 415",
            "must list 503",
            "it is rate limited per user, so it must list 429",
            "request body: application/json has no schema",
            "404: errors are application/problem+json",
            "The schema reference '#/components/schemas/Gone' does not point to an existing schema",
            "parameter 1: its $ref does not resolve",
            "response 409: its $ref does not resolve");
    }

    [Fact]
    public void Query_parameters_an_idempotency_key_and_the_admin_tag_imply_their_errors()
    {
        var document = Document("""
            {
              "operationId": "X", "summary": "x", "tags": ["admin"], "security": [ { "supabase": [] } ],
              "parameters": [
                { "name": "q", "in": "query", "schema": { "type": "string" } },
                { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" } }
              ],
              "responses": { "204": { "description": "done" }, "401": { "$ref": "#/components/responses/NotFound" }, "503": { "$ref": "#/components/responses/NotFound" } }
            }
            """,
            path: "/things");

        Reports(OpenApiLint.Check(document), "it reads query parameters, so it must list 400", "it takes an Idempotency-Key, so it must list 422", "it is for admins only, so it must list 403");
    }

    [Fact]
    public void A_429_without_Retry_After_is_reported()
    {
        Reports(OpenApiLint.Check(Document(Sound.Replace(TooMany, Problem, StringComparison.Ordinal))), "429: it must document the Retry-After header");
    }

    [Fact]
    public void A_path_parameter_the_template_lacks_is_reported_by_the_library()
    {
        Reports(OpenApiLint.Check(Document(Sound, path: "/things")), "Declared path parameter \"id\" needs to be defined as a path parameter");
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

        Reports(OpenApiLint.Check(Document(Operation(string.Empty))), "declares no security");
        Assert.Empty(OpenApiLint.Check(Document(Operation("\"security\": [],"))));
    }

    [Fact]
    public void No_summary_no_operation_id_and_no_success_are_reported()
    {
        var document = Document($$"""
            { "security": [], "responses": { "503": {{Problem}} } }
            """,
            path: "/things");

        Reports(OpenApiLint.Check(document), "no summary", "POST /things: missing or duplicate operationId", "no success (2xx) response");
    }

    [Fact]
    public void Two_operations_with_one_operation_id_are_reported()
    {
        var document = Document(Sound).Replace("\"paths\": {", $$"""
            "paths": { "/other": { "get": { "operationId": "ChangeThing", "summary": "x", "security": [], "responses": { "204": { "description": "done" }, "503": {{Problem}} } } },
            """, StringComparison.Ordinal);

        Assert.Equal(["GET /other", "POST /things/{id}"], OpenApiLint.Operations(OpenApiLint.Read(document)));
        Reports(OpenApiLint.Check(document), ": missing or duplicate operationId 'ChangeThing'");
    }

    [Fact]
    public void What_the_library_validates_is_reported_too()
    {
        // A response without a description: no convention, OpenAPI itself.
        var document = Document($$"""
            { "operationId": "X", "summary": "x", "security": [], "responses": { "204": { }, "503": {{Problem}} } }
            """,
            path: "/things");

        Reports(OpenApiLint.Check(document), "The field 'description' in 'response' object is REQUIRED");
        Reports(OpenApiLint.Check(Document(Sound, path: "things")), "things is not a valid property");
    }

    [Theory]
    [InlineData("3.0.3")]
    [InlineData("2.0")]
    public void Only_openapi_31_passes(string version)
    {
        Reports(OpenApiLint.Check(Document(Sound, version: version)), "openapi must be 3.1.x");
    }

    [Fact]
    public void A_document_the_reader_cannot_read_fails_to_read()
    {
        Assert.Throws<InvalidOperationException>(() => OpenApiLint.Read("""{ "openapi": "3.1.0", "info": "none", "paths": [] }"""));
    }
}
