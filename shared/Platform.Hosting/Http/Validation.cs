using System.Globalization;

namespace Platform.Hosting.Http;

/// <summary>
/// The one validation style of the solution: collect every field's problems, then answer 400 with
/// all of them at once. Messages are written for the frontend developer reading them.
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Trims and checks a text field; returns the trimmed value (null when absent and optional).</summary>
    public string? Text(string field, string? value, int min, int max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length < min)
        {
            Add(field, min <= 1 ? "must not be empty" : $"must be at least {min} characters");
        }
        else if (trimmed.Length > max)
        {
            Add(field, $"must be at most {max} characters");
        }
        else if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, "must not contain control characters");
        }

        return trimmed;
    }

    /// <summary>An optional http(s) URL of at most 2,048 characters.</summary>
    public string? Url(string field, string? value, bool required = false)
    {
        var text = Text(field, value, required ? 1 : 0, 2048, required);
        if (string.IsNullOrEmpty(text))
        {
            return required ? text : null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(field, "must be an absolute http or https URL");
        }

        return text;
    }

    /// <summary>A value that must be one of a fixed set (snake_case words).</summary>
    public TEnum? OneOf<TEnum>(string field, string? value, bool required)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (EnumText.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        Add(field, "must be one of: " + string.Join(", ", EnumText.Names<TEnum>()));
        return null;
    }

    public Guid? Uuid(string field, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (Ids.TryParse(value, out var id))
        {
            return id;
        }

        Add(field, "must be a UUID");
        return null;
    }

    public decimal? Money(string field, decimal? value, decimal min, decimal max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (value < min || value > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }
        else if (decimal.Round(value.Value, 2) != value.Value)
        {
            Add(field, "must have at most two decimal places");
        }

        return value;
    }

    public int? Range(string field, int? value, int min, int max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (value < min || value > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }

        return value;
    }

    public IReadOnlyDictionary<string, string[]> Errors =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ApiResponse ToProblem() => Problems.Validation(Errors);
}
