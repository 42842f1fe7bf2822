using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.OpenApi;

public sealed class OpenApiGeneratorTests
{
    private static readonly ApiDescription Api = new ApiDescription("gadget-service", "Gadgets.")
        .Operation("ListGadgets", op => op.Tag("gadgets").OptionalUser().Summary("List gadgets")
            .Query<GadgetQuery>().Paged().Returns<GadgetView>())
        .Operation("CreateGadget", op => op.Tag("gadgets").User().Summary("Create a gadget")
            .Body<GadgetBody>().Idempotent().Returns<GadgetView>(201, location: true).Error(403, "Only makers."))
        .Operation("DeleteGadget", op => op.Tag("admin").Admin().Summary("Delete a gadget").ReturnsNothing().Error(409))
        .Operation("GadgetHealth", op => op.Anonymous().Summary("not a function of the app"));

    private static OpenApiResult Generate(params Type[] types) =>
        OpenApiGenerator.Generate(HttpFunctionCatalog.Discover(new FakeAssembly(types)), Api);

    /// <summary>The document as it is served: written by Microsoft.OpenApi, parsed back.</summary>
    private static JsonNode Json(OpenApiResult result) => JsonNode.Parse(OpenApiGenerator.Serialize(result.Document))!;

    private static JsonNode Operation(JsonNode document, string path, string method) => document["paths"]![path]![method]!;

    private static List<string> Statuses(JsonNode operation) => operation["responses"]!.AsObject().Select(r => r.Key).ToList();

    [Fact]
    public void Paths_and_methods_come_from_the_functions_with_route_constraints_dropped()
    {
        var result = Generate(typeof(GadgetFunctions));

        Assert.Equal(
            ["DELETE /gadgets/{id}", "GET /gadgets", "POST /gadgets"],
            OpenApiLint.Operations(result.Document));
        Assert.Equal("/api", Json(result)["servers"]![0]!["url"]!.GetValue<string>());
        Assert.StartsWith("3.1.", Json(result)["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_without_description_is_left_out_and_reported_as_is_a_description_without_function()
    {
        var result = Generate(typeof(GadgetFunctions), typeof(UndocumentedFunctions));

        Assert.Equal(["Undocumented"], result.Undescribed);
        Assert.Equal(["GadgetHealth", ApiDescription.HealthFunction, ApiDescription.LivenessFunction, ApiDescription.DocumentFunction], result.UnknownDescriptions);
        Assert.DoesNotContain("/secret", result.Document.Paths.Keys);
    }

    [Fact]
    public void Errors_follow_from_the_operation_shape_plus_the_named_ones()
    {
        var document = Json(Generate(typeof(GadgetFunctions)));

        Assert.Equal(["200", "400", "401", "429", "503"], Statuses(Operation(document, "/gadgets", "get")));
        Assert.Equal(["201", "400", "401", "403", "413", "415", "422", "429", "503"], Statuses(Operation(document, "/gadgets", "post")));
        Assert.Equal(["204", "400", "401", "403", "404", "409", "429", "503"], Statuses(Operation(document, "/gadgets/{id}", "delete")));
        Assert.Equal("integer", Json(Generate(typeof(GadgetFunctions)))["components"]!["responses"]!["TooManyRequests"]!["headers"]!["Retry-After"]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("Only makers.", Operation(document, "/gadgets", "post")["responses"]!["403"]!["description"]!.GetValue<string>());
        Assert.Equal("#/components/responses/Conflict", Operation(document, "/gadgets/{id}", "delete")["responses"]!["409"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Body_schema_has_snake_case_fields_with_the_validation_rules()
    {
        var schema = Json(Generate(typeof(GadgetFunctions)))["components"]!["schemas"]!["GadgetBody"]!;

        Assert.Equal(["name", "kind"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(50, schema["properties"]!["name"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["tiny_widget", "big_widget"], schema["properties"]!["kind"]!["enum"]!.AsArray().Select(n => n?.GetValue<string>()));
        Assert.Equal("string", schema["properties"]!["kind"]!["type"]!.GetValue<string>()); // required: null is refused
        Assert.Equal(["null", "string"], schema["properties"]!["image_url"]!["type"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("uri", schema["properties"]!["image_url"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public void Responses_require_every_field_and_lists_are_pages()
    {
        var document = Json(Generate(typeof(GadgetFunctions)));
        var view = document["components"]!["schemas"]!["GadgetView"]!;
        var page = document["components"]!["schemas"]!["GadgetViewPage"]!;

        Assert.Equal(["id", "name", "kind", "made_at", "price"], view["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("uuid", view["properties"]!["id"]!["format"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/GadgetView", page["properties"]!["items"]!["items"]!["$ref"]!.GetValue<string>());
        var list = Operation(document, "/gadgets", "get");
        Assert.Equal(["kind", "limit", "cursor"], list["parameters"]!.AsArray().Where(p => p!["in"]?.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(2, list["security"]!.AsArray().Count); // anonymous or with a token
    }

    [Fact]
    public void Anonymous_operations_declare_an_empty_security_list_and_only_used_error_responses_are_components()
    {
        var result = Generate(typeof(PingFunctions));
        var document = Json(result);

        Assert.Empty(Operation(document, "/gadgets/health", "get")["security"]!.AsArray());
        Assert.Equal(["TooManyRequests", "Unavailable"], document["components"]!["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Empty(OpenApiLint.Check(OpenApiGenerator.Serialize(result.Document)));
    }

    [Fact]
    public void The_generated_document_passes_the_lint()
    {
        Assert.Empty(OpenApiLint.Check(OpenApiGenerator.Serialize(Generate(typeof(GadgetFunctions)).Document)));
    }

    [Fact]
    public void Serve_answers_200_json_with_a_cache_header()
    {
        var response = OpenApiDocuments.Serve(new FakeAssembly(typeof(GadgetFunctions)), Api);

        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal(OpenApiGenerator.Serialize(Generate(typeof(GadgetFunctions)).Document), System.Text.Encoding.UTF8.GetString(response.SerializeBody()));
        Assert.Contains("max-age", response.Headers["Cache-Control"], StringComparison.Ordinal);
    }

    public enum GadgetKind
    {
        TinyWidget,
        BigWidget,
    }

    public sealed record GadgetBody([property: Required, Text(1, 50)] string? Name, [property: Required, OneOf<GadgetKind>] string? Kind, [property: Url] string? ImageUrl);

    public sealed record GadgetView(Guid Id, string Name, [property: OneOf<GadgetKind>] string Kind, DateTime MadeAt, decimal? Price);

    public sealed record GadgetQuery([property: System.ComponentModel.Description("Only this kind.")] GadgetKind? Kind);

    [Fact]
    public void A_response_of_two_models_is_a_one_of_with_a_discriminator_mapping_each_fixed_word_to_its_model()
    {
        var api = new ApiDescription("gadget-service", "Gadgets.")
            .Operation("GetGadget", op => op.Tag("gadgets").OptionalUser().Summary("A gadget").Returns<ShortGadget>().OrReturns<LongGadget>(discriminator: "view"));
        var result = OpenApiGenerator.Generate(HttpFunctionCatalog.Discover(new FakeAssembly(typeof(GetGadgetFunctions))), api);
        var document = JsonNode.Parse(OpenApiGenerator.Serialize(result.Document))!;

        var schema = Operation(document, "/gadgets/{id}", "get")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal(
            ["#/components/schemas/ShortGadget", "#/components/schemas/LongGadget"],
            schema["oneOf"]!.AsArray().Select(s => s!["$ref"]!.GetValue<string>()));
        Assert.Null(schema["anyOf"]);
        Assert.Equal("view", schema["discriminator"]!["propertyName"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ShortGadget", schema["discriminator"]!["mapping"]!["short"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/LongGadget", schema["discriminator"]!["mapping"]!["long"]!.GetValue<string>());
        Assert.Equal(["long"], document["components"]!["schemas"]!["LongGadget"]!["properties"]!["view"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(OpenApiLint.Check(OpenApiGenerator.Serialize(result.Document)));
    }

    [Fact]
    public void A_model_without_its_fixed_word_cannot_be_one_of_two_responses()
    {
        var api = new ApiDescription("gadget-service", "Gadgets.")
            .Operation("GetGadget", op => op.Tag("gadgets").OptionalUser().Summary("A gadget").Returns<ShortGadget>().OrReturns<GadgetView>(discriminator: "view"));

        var error = Assert.Throws<InvalidOperationException>(() => OpenApiGenerator.Generate(HttpFunctionCatalog.Discover(new FakeAssembly(typeof(GetGadgetFunctions))), api));
        Assert.Contains("GadgetView must have a required property 'view'", error.Message, StringComparison.Ordinal);
    }

    public enum GadgetViewKind
    {
        Short,
        Long,
    }

    public sealed record ShortGadget(Guid Id)
    {
        [OneOf<GadgetViewKind>(Except = "long")]
        public string View => "short";
    }

    public sealed record LongGadget(Guid Id, string Name)
    {
        [OneOf<GadgetViewKind>(Except = "short")]
        public string View => "long";
    }

    public sealed class GetGadgetFunctions
    {
        [Function("GetGadget")]
        public IActionResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "gadgets/{id:guid}")] HttpRequest req, string id) => new OkResult();
    }

    public sealed class GadgetFunctions
    {
        [Function("ListGadgets")]
        public IActionResult List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "gadgets")] HttpRequest req) => new OkResult();

        [Function("CreateGadget")]
        public IActionResult Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "gadgets")] HttpRequest req) => new OkResult();

        [Function("DeleteGadget")]
        public IActionResult Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "gadgets/{id:guid}")] HttpRequest req, string id) => new OkResult();
    }

    public sealed record Note([property: AnyObject] System.Text.Json.JsonElement Data, IReadOnlyList<System.Text.Json.JsonElement> Extras, IReadOnlyDictionary<string, System.Text.Json.JsonElement> ByKey);

    public sealed class PingFunctions
    {
        [Function("GadgetHealth")]
        public IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "gadgets/health")] HttpRequest req) => new OkResult();
    }

    public sealed class UndocumentedFunctions
    {
        [Function("Undocumented")]
        public IActionResult Secret([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "secret")] HttpRequest req) => new OkResult();
    }
}
