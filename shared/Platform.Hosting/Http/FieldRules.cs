using System.Text.Json.Nodes;

namespace Platform.Hosting.Http;

/// <summary>
/// A rule of one field of a request body, a query or a response, declared once as an attribute on
/// the record's property (<c>[property: Text(1, 120)]</c>): <see cref="Fields"/> checks a request with
/// it and the OpenAPI document describes the field's JSON schema with it, so the two cannot differ.
/// A rule sees only present values: absence (and null) is the business of <see cref="RequiredAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public abstract class FieldRuleAttribute : Attribute
{
    /// <summary>
    /// Checks a present value, adding its problems to <paramref name="validation"/>; returns the value
    /// to keep (e.g. trimmed; null ends the field's checks). <paramref name="required"/>: the field is
    /// <see cref="RequiredAttribute"/> (an empty required URL is an error, an optional one absent).
    /// </summary>
    public abstract object? Check(string field, object value, bool required, Validation validation);

    /// <summary>Writes the rule into the field's JSON schema.</summary>
    public abstract void Describe(JsonObject schema);
}

/// <summary>The field must be present and not null ("is required"); its schema drops null.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class RequiredAttribute : Attribute
{
    /// <summary>Why, added to the message: "is required: {Because}".</summary>
    public string? Because { get; init; }

    public string Message => Because is null ? "is required" : "is required: " + Because;
}

/// <summary>Text of <paramref name="min"/> to <paramref name="max"/> characters after trimming, without control characters other than line breaks and tabs.</summary>
public sealed class TextAttribute(int min, int max) : FieldRuleAttribute
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    public override object? Check(string field, object value, bool required, Validation validation) =>
        validation.Text(field, (string)value, Min, Max);

    public override void Describe(JsonObject schema)
    {
        if (Min > 0)
        {
            schema["minLength"] = Min;
        }

        schema["maxLength"] = Max;
    }
}

/// <summary>An absolute http(s) URL of at most 2,048 characters; an empty optional one counts as absent.</summary>
public sealed class UrlAttribute : FieldRuleAttribute
{
    public override object? Check(string field, object value, bool required, Validation validation) => validation.Url(field, (string)value, required);

    public override void Describe(JsonObject schema)
    {
        schema["format"] = "uri";
        schema["maxLength"] = 2048;
    }
}

/// <summary>Text matching a regular expression (checked after its length), with the message to give when it does not.</summary>
public sealed class PatternAttribute(string pattern, string message) : FieldRuleAttribute
{
    private readonly System.Text.RegularExpressions.Regex _regex = new(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        if (!_regex.IsMatch((string)value))
        {
            validation.Add(field, message);
        }

        return value;
    }

    public override void Describe(JsonObject schema) => schema["pattern"] = pattern;
}

/// <summary>A UUID in text.</summary>
public sealed class UuidAttribute : FieldRuleAttribute
{
    public override object? Check(string field, object value, bool required, Validation validation)
    {
        validation.Uuid(field, (string)value);
        return value;
    }

    public override void Describe(JsonObject schema) => schema["format"] = "uuid";
}

/// <summary>
/// One of an enum's snake_case words, the words the database and every view use; <see cref="Except"/>
/// names words of the enum the field does not take (e.g. "admin" for a role anyone may choose).
/// </summary>
public sealed class OneOfAttribute<TEnum> : FieldRuleAttribute
    where TEnum : struct, Enum
{
    /// <summary>Words of the enum this field refuses, separated by spaces.</summary>
    public string Except { get; init; } = string.Empty;

    private IReadOnlyList<string>? _words;

    private IReadOnlyList<string> Words => _words ??=
        [.. EnumText.Names<TEnum>().Where(w => !Except.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(w, StringComparer.Ordinal))];

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        validation.OneOf(field, (string)value, Words);
        return value;
    }

    public override void Describe(JsonObject schema)
    {
        var values = new JsonArray([.. Words.Select(w => (JsonNode?)JsonValue.Create(w))]);
        if (schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null"))
        {
            values.Add(null);
        }

        schema["enum"] = values;
    }
}

/// <summary>An amount of money from <paramref name="min"/> to <paramref name="max"/> with at most two decimal places.</summary>
public sealed class MoneyAttribute(double min, double max) : FieldRuleAttribute
{
    public decimal Min { get; } = (decimal)min;

    public decimal Max { get; } = (decimal)max;

    public override object? Check(string field, object value, bool required, Validation validation) =>
        validation.Money(field, (decimal)value, Min, Max);

    public override void Describe(JsonObject schema)
    {
        schema["minimum"] = Min;
        schema["maximum"] = Max;
        schema["multipleOf"] = 0.01m;
    }
}

/// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
public sealed class RangeAttribute(int min, int max) : FieldRuleAttribute
{
    public override object? Check(string field, object value, bool required, Validation validation) =>
        validation.Range(field, (int)value, min, max);

    public override void Describe(JsonObject schema)
    {
        schema["minimum"] = min;
        schema["maximum"] = max;
    }
}

/// <summary>A JSON object whose fields are not fixed (a JsonElement the code always fills with an object); schema only.</summary>
public sealed class AnyObjectAttribute : FieldRuleAttribute
{
    public override object? Check(string field, object value, bool required, Validation validation) => value;

    public override void Describe(JsonObject schema) => schema["type"] = "object";
}

/// <summary>
/// Rules of a body or query that involve several fields or the caller, checked after the field
/// rules into the same <see cref="Validation"/> (so one 400 lists every problem). The values are the
/// kept (trimmed) ones; a field that failed its own rule may still hold its raw text.
/// </summary>
public interface ICheckedInput
{
    void Check(Validation validation, Auth.Caller? caller);
}
