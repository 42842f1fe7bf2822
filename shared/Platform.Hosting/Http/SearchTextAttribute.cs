using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Hosting.Http;

/// <summary>
/// Words to search for with PostgreSQL's <c>websearch_to_tsquery</c> (issue 17): <c>"quoted phrases"</c>,
/// <c>or</c> and <c>-word</c> work as on web search engines. Bounded so that no query can be made slow by
/// its text: at most <see cref="MaxWords"/> words (besides <c>or</c>), and at least one word that is looked for (not only
/// operators, punctuation or <c>-excluded</c> words, which no index can serve). Use with
/// <see cref="TextAttribute"/> for the length.
/// </summary>
public sealed class SearchTextAttribute : FieldRuleAttribute
{
    public const int MaxWords = 12;

    /// <summary>The longest search text (with <see cref="TextAttribute"/>).</summary>
    public const int MaxLength = 200;

    /// <summary>The description of a <c>q</c> parameter.</summary>
    public const string Help =
        "Full-text search over title and description, in web search syntax (\"a phrase\", or, -word): at most 200 characters and 12 words, "
        + "at least one word not excluded. Combine with sort=relevance for best matches first.";

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        var text = (string)value;
        var words = Words(text);
        if (words.Count(w => !string.Equals(w.Text, "or", StringComparison.OrdinalIgnoreCase)) > MaxWords)
        {
            validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"must have at most {MaxWords} words"));
        }
        else if (!words.Any(w => !w.Excluded && !string.Equals(w.Text, "or", StringComparison.OrdinalIgnoreCase)))
        {
            validation.Add(field, "must contain a word to look for (letters or digits), not only operators or -excluded words");
        }

        return value;
    }

    /// <summary>The length is <see cref="TextAttribute"/>'s; the word rules are said in the field's description.</summary>
    public override void Describe(JsonObject schema)
    {
    }

    /// <summary>The words of a search text: runs of letters and digits, each marked excluded when a '-' starts it outside quotes.</summary>
    public static IReadOnlyList<(string Text, bool Excluded)> Words(string text)
    {
        var words = new List<(string, bool)>();
        var inQuotes = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                inQuotes = !inQuotes;
                i++;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var excluded = !inQuotes && i > 0 && text[i - 1] == '-' && (i == 1 || char.IsWhiteSpace(text[i - 2]));
            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            words.Add((text[start..i], excluded));
        }

        return words;
    }
}
