using System.Globalization;
using System.Text.RegularExpressions;

namespace CampaignService.Import;

/// <summary>
/// How the original app's campaign values become this platform's (docs/MOVING-IN.md lists them).
/// Pure: each function answers the platform's value and, when it had to change what the original
/// held, the reason that goes into the import report.
/// </summary>
public static partial class LegacyCampaignValues
{
    /// <summary>The provider of an imported contribution: money the original app took, with no payment the platform can refund.</summary>
    public const string Provider = "legacy";

    /// <summary>The pause reason of a campaign the original ended before its goal (the platform has no "closed" state).</summary>
    public const string EndedBeforeGoal = "Ended in the original app before reaching its goal.";

    public const int Title = 120;
    public const int Description = 5000;
    public const int Location = 200;
    public const int Url = 2048;
    public const decimal MinGoal = 0.01m;
    public const decimal MaxGoal = 10_000_000m;
    public const decimal MinAmount = 0.01m;
    public const decimal MaxAmount = 1_000_000m;

    private static readonly HashSet<string> Categories = new(StringComparer.Ordinal)
    {
        "medical", "education", "emergency", "housing", "food", "community", "animals", "other",
    };

    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "pending",
        ["draft"] = "pending",
        ["active"] = "active",
        ["open"] = "active",
        ["approved"] = "active",
        ["paused"] = "paused",
        ["completed"] = "completed",
        ["funded"] = "completed",
        ["closed"] = "ended",
        ["ended"] = "ended",
        ["expired"] = "ended",
        ["cancelled"] = "ended",
        ["canceled"] = "ended",
        ["rejected"] = "rejected",
    };

    /// <summary>The original's capitalised category (<c>Medical</c>) in lower case; anything else is <c>other</c>.</summary>
    public static (string Category, string? Repair) Category(string? original)
    {
        var word = original?.Trim().ToLowerInvariant();
        return word is not null && Categories.Contains(word)
            ? (word, null)
            : ("other", $"category '{original}' is not one of the platform's: other");
    }

    /// <summary>
    /// The platform's status from the original's <c>status</c> and <c>verification_status</c> and the
    /// collected amount: a rejected campaign stays rejected; one never verified (unrequested, pending)
    /// goes back to review (<c>pending</c>); a verified one keeps its state, except that the platform
    /// holds a campaign completed exactly when its goal is reached, so the amounts decide between
    /// completed and not, and one the original ended (closed, cancelled, expired) before its goal is
    /// <c>paused</c> with <see cref="EndedBeforeGoal"/> as the reason.
    /// </summary>
    public static (string Status, string? PauseReason, IReadOnlyList<string> Repairs) Status(
        string? status, string? verification, decimal collected, decimal goal)
    {
        var repairs = new List<string>();
        var word = status?.Trim();
        string mapped;
        if (word is null || !Statuses.TryGetValue(word, out mapped!))
        {
            mapped = "pending";
            repairs.Add($"status '{status}' is unknown: pending (back to review)");
        }

        var verified = verification?.Trim().ToLowerInvariant() switch
        {
            "approved" or "verified" => true,
            "rejected" => false,
            null or "unrequested" or "pending" or "none" or "requested" => (bool?)null,
            _ => RepairVerification(verification, repairs),
        };
        if (mapped == "rejected" || verified == false)
        {
            mapped = "rejected";
        }
        else if (verified is null && mapped is "active" or "paused")
        {
            repairs.Add($"status '{status}' was never verified (verification_status '{verification}'): pending (back to review)");
            mapped = "pending";
        }

        var reached = collected >= goal;
        if (reached && mapped != "completed")
        {
            repairs.Add($"its contributions reach the goal ({Money(collected)} of {Money(goal)}): completed");
            return ("completed", null, repairs);
        }

        if (!reached && mapped == "completed")
        {
            repairs.Add($"status '{status}' but its contributions ({Money(collected)}) fall short of the goal ({Money(goal)}): paused");
            return ("paused", EndedBeforeGoal, repairs);
        }

        if (mapped == "ended")
        {
            repairs.Add($"status '{status}' before reaching its goal: paused (the platform has no such state)");
            return ("paused", EndedBeforeGoal, repairs);
        }

        return (mapped, null, repairs);
    }

    /// <summary>An amount with more than two decimal places is rounded to the cent (away from zero).</summary>
    public static (decimal Amount, string? Repair) Cents(string column, decimal amount)
    {
        var rounded = decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
        return rounded == amount ? (amount, null) : (rounded, $"{column} {Money(amount)} has more than two decimals: {Money(rounded)}");
    }

    /// <summary>The currency setting as the platform stores it (three lower-case letters), or null when it is not one.</summary>
    public static string? Currency(string? setting)
    {
        var code = setting?.Trim().ToLowerInvariant();
        return code is not null && CurrencyCode().IsMatch(code) ? code : null;
    }

    public static string Money(decimal amount) => amount.ToString("0.00##########", CultureInfo.InvariantCulture);

    private static bool? RepairVerification(string? verification, List<string> repairs)
    {
        repairs.Add($"verification_status '{verification}' is unknown: treated as never verified");
        return null;
    }

    [GeneratedRegex("^[a-z]{3}$")]
    private static partial Regex CurrencyCode();
}
