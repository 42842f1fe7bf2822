namespace DonationService.Import;

/// <summary>
/// How the original app's profile and donation values become this platform's (docs/MOVING-IN.md
/// lists them; lengths and times are <see cref="Platform.Data.Import.LegacyFields"/>). Pure:
/// each function answers the platform's value and, when it had to change what the original held,
/// the reason that goes into the import report.
/// </summary>
public static class LegacyValues
{
    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "pending",
        ["approved"] = "available",
        ["available"] = "available",
        ["requested"] = "available",
        ["rejected"] = "rejected",
        ["claimed"] = "claimed",
        ["reserved"] = "claimed",
        ["donated"] = "completed",
        ["completed"] = "completed",
    };

    private static readonly Dictionary<string, string> Verification = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unrequested"] = "none",
        ["none"] = "none",
        ["pending"] = "requested",
        ["requested"] = "requested",
        ["approved"] = "approved",
        ["verified"] = "approved",
        ["rejected"] = "rejected",
    };

    private static readonly HashSet<string> Categories = new(StringComparer.Ordinal)
    {
        "clothing", "furniture", "electronics", "books", "toys", "kitchen", "food", "baby", "sports", "household", "other",
    };

    /// <summary>The original's capitalised category (<c>Clothing</c>) in lower case; anything else is <c>other</c>.</summary>
    public static (string Category, string? Repair) Category(string? original)
    {
        var word = original?.Trim().ToLowerInvariant();
        return word is not null && Categories.Contains(word)
            ? (word, null)
            : ("other", $"category '{original}' is not one of the platform's: other");
    }

    /// <summary>The donation's status (the original's <c>approved</c>/<c>requested</c> are <c>available</c>, <c>donated</c> is <c>completed</c>).</summary>
    public static (string Status, string? Repair) DonationStatus(string? original) =>
        original is not null && Statuses.TryGetValue(original.Trim(), out var status)
            ? (status, null)
            : ("pending", $"status '{original}' is unknown: pending (back to review)");

    /// <summary>The original's verification state (<c>unrequested</c>, <c>pending</c>, ...) as <c>recipient_status</c>; absent is <c>none</c>.</summary>
    public static (string Status, string? Repair) RecipientStatus(string? original) =>
        original is null ? ("none", null)
        : Verification.TryGetValue(original.Trim(), out var status) ? (status, null)
        : ("none", $"verification_status '{original}' is unknown: none");

    /// <summary>The role, lower case; absent or unknown is <c>recipient</c> (the platform's default).</summary>
    public static (string Role, string? Repair) Role(string? original)
    {
        var word = original?.Trim().ToLowerInvariant();
        return word switch
        {
            "donor" or "recipient" or "admin" => (word, null),
            null => ("recipient", null),
            _ => ("recipient", $"role '{original}' is unknown: recipient"),
        };
    }
}
