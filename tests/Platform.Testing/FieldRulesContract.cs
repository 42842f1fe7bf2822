using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Each app's bodies, queries and views against the one-declaration rule (issue 20): every request
/// field is checked by a rule declared on its record, and the document describes no field that the
/// record does not have. Each service's tests derive a class from this one.
/// </summary>
public abstract class FieldRulesContract(ApiDescription description)
{
    private IEnumerable<Type> Bodies => description.Operations.Values.Select(o => o.BodyType).OfType<Type>().Distinct();

    private IEnumerable<Type> Queries => description.Operations.Values.Select(o => o.QueryType).OfType<Type>().Distinct();

    private IEnumerable<Type> Views => description.Operations.Values
        .SelectMany(o => new[] { o.ResponseType, o.AlternativeResponseType }).OfType<Type>().Distinct();

    [Fact]
    public void Every_field_of_every_body_and_query_has_a_rule_for_its_values()
    {
        var unruled = Bodies.Concat(Queries)
            .SelectMany(type => Fields.Of(type).Where(NeedsRule).Select(f => $"{type.Name}.{f.Name}"))
            .ToList();

        Assert.Empty(unruled);
    }

    [Fact]
    public void Every_body_has_fields_and_at_least_one_rule()
    {
        Assert.All(Bodies, type => Assert.Contains(Fields.Of(type), f => f.Rules.Count > 0 || f.Required is not null));
    }

    [Fact]
    public void Every_query_parameter_says_what_it_does()
    {
        Assert.Empty(Queries.SelectMany(type => Fields.Of(type).Where(f => string.IsNullOrWhiteSpace(f.Description)).Select(f => $"{type.Name}.{f.Name}")));
    }

    [Fact]
    public void The_schema_of_a_body_query_or_view_has_no_field_its_record_does_not_declare()
    {
        var extra = Bodies.Concat(Queries).Concat(Views)
            .SelectMany(type => PlatformJson.Options.GetTypeInfo(type).Properties
                .Select(p => p.Name)
                .Except(Fields.Of(type).Select(f => f.Name))
                .Select(name => $"{type.Name}.{name}"))
            .ToList();

        Assert.Empty(extra);
    }

    /// <summary>Text and numbers from a client are bounded by a rule; flags, enums and ids of a query are bounded by their type.</summary>
    private static bool NeedsRule(Field field) =>
        field.Rules.Count == 0 && (field.ValueType == typeof(string) || field.ValueType == typeof(decimal) || field.ValueType == typeof(int));
}
