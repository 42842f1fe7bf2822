using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;

namespace Platform.Hosting.Tests.Http;

public enum Shade
{
    Red,
    DarkBlue,
    Secret,
}

/// <summary>A body with one field of each rule, and a rule across fields that depends on the caller.</summary>
public sealed record PaintBody(
    [property: Required, Text(1, 10)] string? Name,
    [property: Text(0, 20), Description("Free text.")] string? Notes,
    [property: Required, OneOf<Shade>(Except = "secret")] string? Shade,
    [property: Url] string? Picture,
    [property: Required(Because = "where to deliver"), Url] string? Address,
    [property: Uuid] string? OwnerId,
    [property: Money(0.01, 100)] decimal? Price,
    [property: Range(1, 5)] int? Coats,
    [property: Text(3, 12), Pattern("^[0-9]+$", "must be digits")] string? Code)
    : ICheckedInput
{
    public void Check(Validation validation, Caller? caller)
    {
        if (caller is not null && Ids.TryParse(OwnerId, out var owner) && owner == caller.UserId)
        {
            validation.Add("owner_id", "must be someone else");
        }
    }

    public string Label() => $"{Name} ({Shade})";
}

public sealed record PaintQuery(
    [property: Description("Only this shade.")] Shade? Shade,
    [property: Required(Because = "whose paint"), Description("The owner.")] Guid? OwnerId,
    [property: Description("Only dry ones.")] bool? Dry,
    [property: JsonPropertyName("q"), Text(1, 8), Description("Words.")] string? Words);

public sealed class FieldsTests
{
    private static readonly Caller Ann = new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), null, false);

    [Fact]
    public void Check_keeps_trimmed_text_and_takes_an_empty_optional_url_as_absent()
    {
        var body = Valid() with { Name = "  Lamp ", Notes = " n ", Picture = "" };

        var validation = Fields.Check(body, Ann);

        Assert.True(validation.IsValid);
        Assert.Equal("Lamp", body.Name);
        Assert.Equal("n", body.Notes);
        Assert.Null(body.Picture);
    }

    [Fact]
    public void Check_reports_every_field_at_once_with_the_platform_messages()
    {
        var body = new PaintBody(null, new string('x', 21), "secret", "ftp://x.test/p.png", "", "not-a-uuid", 1.234m, 9, "12ab");

        var errors = Fields.Check(body, Ann).Errors;

        Assert.Equal(["is required"], errors["name"]);
        Assert.Equal(["must be at most 20 characters"], errors["notes"]);
        Assert.Equal(["must be one of: red, dark_blue"], errors["shade"]);
        Assert.Equal(["must be an absolute http or https URL"], errors["picture"]);
        Assert.Equal(["must not be empty"], errors["address"]);
        Assert.Equal(["must be a UUID"], errors["owner_id"]);
        Assert.Equal(["must have at most two decimal places"], errors["price"]);
        Assert.Equal(["must be between 1 and 5"], errors["coats"]);
        Assert.Equal(["must be digits"], errors["code"]);
    }

    [Fact]
    public void Check_gives_the_reason_of_a_required_field_and_runs_the_records_own_rules_in_the_same_pass()
    {
        var body = Valid() with { Address = null, OwnerId = Ann.UserId.ToString() };

        var errors = Fields.Check(body, Ann).Errors;

        Assert.Equal(["is required: where to deliver"], errors["address"]);
        Assert.Equal(["must be someone else"], errors["owner_id"]);
    }

    [Fact]
    public void Check_runs_a_pattern_after_the_length_and_reports_both()
    {
        Assert.Equal(["must be at least 3 characters", "must be digits"], Fields.Check(Valid() with { Code = "x" }, Ann).Errors["code"]);
    }

    [Fact]
    public void Of_lists_the_records_fields_by_wire_name_and_not_its_methods()
    {
        Assert.Equal(
            ["name", "notes", "shade", "picture", "address", "owner_id", "price", "coats", "code"],
            Fields.Of(typeof(PaintBody)).Select(f => f.Name));
    }

    [Fact]
    public void Bind_reads_each_parameter_by_its_type_into_the_record()
    {
        var owner = Guid.NewGuid();
        var validation = new Validation();

        var query = Fields.Bind<PaintQuery>(Query($"?shade=dark_blue&owner_id={owner}&dry=true&q=%20blue%20"), validation, null);

        Assert.True(validation.IsValid);
        Assert.Equal(new PaintQuery(Shade.DarkBlue, owner, true, "blue"), query);
    }

    [Fact]
    public void Bind_reports_every_bad_parameter()
    {
        var validation = new Validation();

        Fields.Bind<PaintQuery>(Query("?shade=green&dry=yes&q=a&q=b"), validation, null);

        Assert.Equal(["must be one of: red, dark_blue, secret"], validation.Errors["shade"]);
        Assert.Equal(["is required: whose paint"], validation.Errors["owner_id"]);
        Assert.Equal(["must be true or false"], validation.Errors["dry"]);
        Assert.Equal(["must be given once"], validation.Errors["q"]);
    }

    [Fact]
    public void Bind_does_not_add_required_to_a_parameter_that_is_already_wrong()
    {
        var validation = new Validation();

        Fields.Bind<PaintQuery>(Query("?owner_id=nope"), validation, null);

        Assert.Equal(["must be a UUID"], validation.Errors["owner_id"]);
    }

    [Fact]
    public void The_schema_of_a_body_carries_the_same_rules()
    {
        var schema = OpenApiSchemas.For(typeof(PaintBody), allRequired: false);
        var properties = schema["properties"]!.AsObject();

        Assert.Equal(["name", "shade", "address"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("string", properties["name"]!["type"]!.GetValue<string>());
        Assert.Equal(10, properties["name"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["red", "dark_blue"], properties["shade"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Free text.", properties["notes"]!["description"]!.GetValue<string>());
        Assert.Null(properties["notes"]!["minLength"]);
        Assert.Equal("uri", properties["picture"]!["format"]!.GetValue<string>());
        Assert.Equal("uuid", properties["owner_id"]!["format"]!.GetValue<string>());
        Assert.Equal(0.01m, properties["price"]!["multipleOf"]!.GetValue<decimal>());
        Assert.Equal(5, properties["coats"]!["maximum"]!.GetValue<int>());
        Assert.Equal("^[0-9]+$", properties["code"]!["pattern"]!.GetValue<string>());
        Assert.Null(properties["label"]);
    }

    [Fact]
    public void An_optional_enum_admits_null_and_a_required_one_does_not()
    {
        var optional = OpenApiSchemas.For(typeof(OptionalShade), allRequired: false)["properties"]!["shade"]!;
        var required = OpenApiSchemas.For(typeof(PaintBody), allRequired: false)["properties"]!["shade"]!;

        Assert.Contains(optional["enum"]!.AsArray(), v => v is null);
        Assert.DoesNotContain(required["enum"]!.AsArray(), v => v is null);
        Assert.Equal("string", required["type"]!.GetValue<string>());
    }

    [Fact]
    public void Query_parameters_are_described_from_the_query_record()
    {
        var parameters = new ApiDescription("t", "d").Operation("List", op => op.Query<PaintQuery>()).Operations["List"].QueryParameters;

        Assert.Equal(["shade", "owner_id", "dry", "q"], parameters.Select(p => p.Name));
        Assert.Equal([false, true, false, false], parameters.Select(p => p.Required));
        Assert.Equal("The owner.", parameters[1].Description);
        Assert.Equal(
            """{"type":"string","minLength":1,"maxLength":8}""",
            parameters[3].Schema.ToJsonString());
        Assert.Equal("boolean", parameters[2].Schema["type"]!.GetValue<string>());
        Assert.Equal(3, parameters[0].Schema["enum"]!.AsArray().Count);
    }

    [Fact]
    public void A_computed_property_with_a_rule_is_a_field_and_its_getter_decides_whether_it_can_be_null()
    {
        Assert.Equal(["name", "kind", "maybe_kind"], Fields.Of(typeof(SwatchView)).Select(f => f.Name));

        var properties = OpenApiSchemas.For(typeof(SwatchView), allRequired: true)["properties"]!;
        Assert.Equal("""{"type":"string","enum":["red"]}""", properties["kind"]!.ToJsonString());
        Assert.Contains(properties["maybe_kind"]!["enum"]!.AsArray(), v => v is null);
    }

    [Fact]
    public void A_query_record_with_a_computed_field_is_refused_when_described()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ApiDescription("t", "d").Operation("List", op => op.Query<SwatchView>()));

        Assert.Contains("SwatchView.Kind is computed", error.Message, StringComparison.Ordinal);
    }

    private static PaintBody Valid() => new("Lamp", null, "red", null, "https://example.test/a", null, 10m, 2, "123");

    private static HttpRequest Query(string queryString)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(queryString);
        return context.Request;
    }

    private sealed record OptionalShade([property: OneOf<Shade>] string? Shade);

    /// <summary>A view with a fixed word (computed, with a rule), a computed nullable one, and a computed one without a rule.</summary>
    private sealed record SwatchView(string Name)
    {
        [OneOf<Shade>(Except = "dark_blue secret")]
        public string Kind => "red";

        [OneOf<Shade>]
        public string? MaybeKind => null;

        public int Length => Name.Length;
    }
}
