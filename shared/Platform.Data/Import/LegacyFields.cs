namespace Platform.Data.Import;

/// <summary>
/// Repairs every service's import makes alike. Pure: each answers the value the platform stores
/// and, when it differs from the original's, the reason that goes into the report.
/// </summary>
public static class LegacyFields
{
    /// <summary>Where a missing <c>created_at</c> lands: a fixed time, so that every pass writes the same value.</summary>
    public static readonly DateTime MissingTime = DateTime.UnixEpoch;

    /// <summary>Text longer than the platform keeps is cut to its limit.</summary>
    public static (string? Text, string? Repair) Cut(string column, string? text, int max) =>
        text is not null && text.Length > max
            ? (text[..max], $"{column} longer than {max} characters: cut")
            : (text, null);

    /// <summary>A value that cannot be cut sensibly (an email, a phone number, a URL) is dropped when too long.</summary>
    public static (string? Text, string? Repair) DropIfLonger(string column, string? text, int max) =>
        text is not null && text.Length > max
            ? (null, $"{column} longer than {max} characters: left empty")
            : (text, null);

    public static (DateTime Time, string? Repair) CreatedAt(DateTime? created, DateTime? updated) =>
        created is { } c ? (c, null)
        : updated is { } u ? (u, "created_at missing: updated_at used")
        : (MissingTime, "created_at missing: 1970-01-01 used");
}
