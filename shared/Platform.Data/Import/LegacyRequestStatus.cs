namespace Platform.Data.Import;

/// <summary>
/// The original app's request statuses as the platform's. Two services read them: request-service
/// imports the requests, and donation-service finds which request holds a claimed or handed-over item
/// (the original kept no such link), so both map the same names the same way.
/// </summary>
public static class LegacyRequestStatus
{
    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "pending",
        ["approved"] = "approved",
        ["accepted"] = "approved",
        ["rejected"] = "rejected",
        ["declined"] = "rejected",
        ["cancelled"] = "cancelled",
        ["canceled"] = "cancelled",
        ["completed"] = "completed",
        ["fulfilled"] = "completed",
        ["donated"] = "completed",
    };

    /// <summary>The platform's status for the original's; an unknown one ends the request (cancelled), so it triggers nothing.</summary>
    public static (string Status, string? Repair) Map(string? original) =>
        original is not null && Statuses.TryGetValue(original.Trim(), out var status)
            ? (status, null)
            : ("cancelled", $"status '{original}' is unknown: cancelled");

    /// <summary>
    /// A SQL list of the original's names (lower case, for <c>lower(btrim(status)) in (...)</c>) of the
    /// requests that hold an item: those the platform imports as approved or, when <paramref name="completedOnly"/>, completed only.
    /// </summary>
    public static string HoldingNamesSql(bool completedOnly = false) => string.Join(", ", Statuses
        .Where(s => s.Value == "completed" || (!completedOnly && s.Value == "approved"))
        .Select(s => $"'{s.Key.ToLowerInvariant()}'"));
}
