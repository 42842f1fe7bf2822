using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Hosting.Http;

/// <summary>
/// An RFC 3339 date-time with its offset (<c>2026-06-01T18:00:00Z</c>, <c>…+02:00</c>) later than now and at
/// most <paramref name="maxDays"/> days ahead (e.g. a donation's <c>expires_at</c>). The text is kept;
/// <see cref="Parse"/> reads it once checked.
/// </summary>
public sealed partial class FutureTimeAttribute(int maxDays) : FieldRuleAttribute
{
    public int MaxDays { get; } = maxDays;

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        var text = (string)value;
        if (text.Length > 40 || !Rfc3339().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            validation.Add(field, "must be a date-time with its offset, e.g. 2026-06-01T18:00:00Z");
            return value;
        }

        var now = DateTimeOffset.UtcNow;
        if (at <= now)
        {
            validation.Add(field, "must be in the future");
        }
        else if (at > now.AddDays(MaxDays))
        {
            validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"must be at most {MaxDays} days ahead"));
        }

        return value;
    }

    public override void Describe(JsonObject schema)
    {
        schema["format"] = "date-time";
        schema["maxLength"] = 40;
    }

    /// <summary>The UTC instant of a value this rule accepted (null stays null).</summary>
    public static DateTime? Parse(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None).UtcDateTime;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Rfc3339();
}
