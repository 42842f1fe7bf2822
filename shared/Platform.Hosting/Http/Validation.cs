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

    /// <summary>Whether <paramref name="field"/> already has a problem.</summary>
    public bool Has(string field) => _errors.ContainsKey(field);

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    // The checks of one present value, for the field rules (FieldRules.cs) and the query reader:
    // absence is the business of [Required]. Each adds its problem and returns the value to keep.

    /// <summary>Trims and checks text: length after trimming, no control characters but line breaks and tabs.</summary>
    public string Text(string field, string value, int min, int max)
    {
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

    /// <summary>An absolute http(s) URL of at most 2,048 characters; empty is absent (null) unless <paramref name="required"/>.</summary>
    public string? Url(string field, string value, bool required = false)
    {
        var text = Text(field, value, required ? 1 : 0, 2048);
        if (text.Length == 0)
        {
            return required ? text : null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(field, "must be an absolute http or https URL");
        }

        return text;
    }

    /// <summary>One of a fixed set of (snake_case) words.</summary>
    public bool OneOf(string field, string value, IReadOnlyCollection<string> words)
    {
        if (words.Contains(value, StringComparer.Ordinal))
        {
            return true;
        }

        Add(field, "must be one of: " + string.Join(", ", words));
        return false;
    }

    public Guid? Uuid(string field, string value)
    {
        if (Ids.TryParse(value, out var id))
        {
            return id;
        }

        Add(field, "must be a UUID");
        return null;
    }

    /// <summary>An amount from <paramref name="min"/> to <paramref name="max"/> with at most two decimal places.</summary>
    public decimal Money(string field, decimal value, decimal min, decimal max)
    {
        if (value < min || value > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }
        else if (decimal.Round(value, 2) != value)
        {
            Add(field, "must have at most two decimal places");
        }

        return value;
    }

    public int Range(string field, int value, int min, int max)
    {
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
