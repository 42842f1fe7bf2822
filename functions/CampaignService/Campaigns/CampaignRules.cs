using System.Globalization;
using CampaignService.Payments;
using CampaignService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>The rules of campaigns: who may do what, and the state machine.</summary>
public static class CampaignRules
{
    /// <summary>The bounds of a goal, in the currency's units ([Money] on <see cref="CampaignBody.GoalAmount"/> takes doubles).</summary>
    public const double MinGoal = 0.01;
    public const double MaxGoal = 10_000_000;

    /// <summary>How far ahead a deadline (<c>ends_at</c>) may be set.</summary>
    public const int MaxDeadlineDays = 365;

    /// <summary>States anyone (also anonymous) may see.</summary>
    public static readonly IReadOnlyList<CampaignStatus> PublicStates = [CampaignStatus.Active, CampaignStatus.Paused, CampaignStatus.Completed, CampaignStatus.Ended];

    public static readonly IReadOnlyList<CampaignStatus> EditableStates = [CampaignStatus.Pending, CampaignStatus.Active, CampaignStatus.Paused];

    /// <summary>
    /// The state machine: pending → active | rejected (admin review); active ↔ paused (owner, or a
    /// block of the owner); active → completed (the contribution that reaches the goal); active or
    /// paused → ended (the deadline sweeper, issue 17). Deletion is a soft delete from any state, not a status.
    /// </summary>
    private static readonly Dictionary<CampaignStatus, CampaignStatus[]> Transitions = new()
    {
        [CampaignStatus.Pending] = [CampaignStatus.Active, CampaignStatus.Rejected],
        [CampaignStatus.Active] = [CampaignStatus.Paused, CampaignStatus.Completed, CampaignStatus.Ended],
        [CampaignStatus.Paused] = [CampaignStatus.Active, CampaignStatus.Ended],
        [CampaignStatus.Completed] = [],
        [CampaignStatus.Rejected] = [],
        [CampaignStatus.Ended] = [],
    };

    public static bool CanMove(CampaignStatus from, CampaignStatus to) => Transitions[from].Contains(to);

    public static bool IsVisibleTo(Campaign campaign, Caller? caller) =>
        campaign.DeletedAt is null
        && (PublicStates.Contains(campaign.State) || (caller is not null && (caller.IsAdmin || caller.UserId == campaign.RecipientId)));

    /// <summary>Only verified recipients who are not blocked run campaigns; the copy of their profile decides.</summary>
    public static Failure? CanCreate(ProfileCopy? profile) =>
        profile is null ? Result.Forbidden(
            "Creating a campaign requires a verified recipient profile: request verification (POST /api/profiles/me/verification) "
            + "and wait for an admin's approval. If you were verified a moment ago, retry shortly.")
        : profile.Blocked ? Result.Forbidden("Your account is blocked.")
        : profile.Role != "recipient" ? Result.Forbidden("Only recipients run campaigns; set your role to recipient (PUT /api/profiles/me) and get verified.")
        : !profile.IsVerifiedRecipient ? Result.Forbidden(
            $"Creating a campaign requires verification; your recipient verification is '{profile.RecipientStatus}' (request it with POST /api/profiles/me/verification).")
        : null;

    /// <summary>
    /// The owner edits while pending, active or paused; the goal must stay above what was collected and
    /// have the currency's decimals; the currency changes only while pending (no money is counted in it yet).
    /// </summary>
    public static Failure? CanUpdate(Campaign campaign, Caller caller, ProfileCopy? profile, CampaignFields fields) =>
        Owner(campaign, caller, profile, "edit")
        ?? (!EditableStates.Contains(campaign.State)
            ? Result.Conflict($"A campaign can be edited only while pending, active or paused (status: {campaign.Status}).")
            : fields.Currency is { } currency && currency != campaign.Currency && campaign.State != CampaignStatus.Pending
                ? Result.Conflict($"The currency can be changed only while the campaign is pending (status: {campaign.Status}, currency: {campaign.Currency}).")
            : Currencies.CheckAmount(fields.Currency ?? campaign.Currency, "goal_amount", fields.GoalAmount)
            ?? (fields.GoalAmount <= campaign.CollectedAmount
                ? Result.Conflict(string.Create(
                    CultureInfo.InvariantCulture,
                    $"goal_amount must be above the amount already collected (status: {campaign.Status}, collected_amount: {campaign.CollectedAmount:0.00})."))
                : null));

    /// <summary>
    /// Whether an edit of an approved (active or paused) campaign goes back to review (issue 18): a
    /// change of what contributors were shown and an admin approved (title, description, category,
    /// image URL, goal). The location is safe and stays immediate.
    /// </summary>
    public static bool NeedsReReview(Campaign campaign, CampaignFields edit) =>
        campaign.State is CampaignStatus.Active or CampaignStatus.Paused
        && (!string.Equals(campaign.Title, edit.Title, StringComparison.Ordinal)
            || !string.Equals(campaign.Description ?? string.Empty, edit.Description ?? string.Empty, StringComparison.Ordinal)
            || campaign.Category != edit.Category.ToText()
            || !string.Equals(campaign.ImageUrl ?? string.Empty, edit.ImageUrl ?? string.Empty, StringComparison.Ordinal)
            || campaign.GoalAmount != edit.GoalAmount);

    /// <summary>The owner changes a campaign's images while it can be edited (pending, active or paused).</summary>
    public static Failure? CanEditImages(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        Owner(campaign, caller, profile, "edit")
        ?? (!EditableStates.Contains(campaign.State)
            ? Result.Conflict($"A campaign's images can be changed only while pending, active or paused (status: {campaign.Status}).")
            : null);

    public static Failure? CanPause(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        Owner(campaign, caller, profile, "pause") ?? From(campaign, CampaignStatus.Active, "paused");

    public static Failure? CanResume(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        Owner(campaign, caller, profile, "resume") ?? From(campaign, CampaignStatus.Paused, "resumed") ?? PastDeadline(campaign, "resumed");

    /// <summary>A campaign whose deadline has passed takes no money and cannot become active again; the sweeper ends it.</summary>
    public static Failure? PastDeadline(Campaign campaign, string past) =>
        campaign.EndsAt is { } endsAt && endsAt <= DateTime.UtcNow
            ? Result.Conflict(string.Create(CultureInfo.InvariantCulture, $"The campaign's deadline has passed; it cannot be {past} (ends_at: {endsAt:O})."))
            : null;

    /// <summary>An admin deletes any campaign; the owner only one nobody has contributed to yet.</summary>
    public static Failure? CanDelete(Campaign campaign, Caller caller, ProfileCopy? profile)
    {
        if (!IsVisibleTo(campaign, caller))
        {
            return Result.NotFound("No such campaign.");
        }

        if (caller.IsAdmin)
        {
            return null;
        }

        return Owner(campaign, caller, profile, "delete")
            ?? (campaign.ContributorCount > 0
                ? Result.Conflict($"A campaign with contributions can be deleted only by an admin (status: {campaign.Status}, contributor_count: {campaign.ContributorCount}).")
                : null);
    }

    /// <summary>
    /// The owner posts progress updates (issue 17) once the campaign is public: while it runs (active,
    /// paused) and after it (completed, ended), when contributors most want to hear what their money did.
    /// A pending or rejected campaign has nobody to tell yet: 409.
    /// </summary>
    public static Failure? CanPostUpdate(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        Owner(campaign, caller, profile, "post updates to")
        ?? (!PublicStates.Contains(campaign.State)
            ? Result.Conflict($"Updates can be posted only to an active, paused, completed or ended campaign (status: {campaign.Status}).")
            : null);

    /// <summary>An admin reviews a pending campaign: approved ones become active.</summary>
    public static Result<CampaignStatus> Review(Campaign campaign, ReviewDecision decision) =>
        campaign.State != CampaignStatus.Pending
            ? Result.Conflict($"Only a pending campaign can be reviewed (status: {campaign.Status}).")
            : decision == ReviewDecision.Approve && PastDeadline(campaign, "approved") is { } late ? late
            : decision == ReviewDecision.Approve ? CampaignStatus.Active : CampaignStatus.Rejected;

    private static Failure? Owner(Campaign campaign, Caller caller, ProfileCopy? profile, string action) =>
        !IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : caller.UserId != campaign.RecipientId ? Result.Forbidden($"Only the campaign's owner can {action} it.")
        : profile is { Blocked: true } ? Result.Forbidden("Your account is blocked.")
        : null;

    private static Failure? From(Campaign campaign, CampaignStatus required, string past) =>
        campaign.State == required ? null : Result.Conflict($"A campaign cannot be {past} from status {campaign.Status} (status: {campaign.Status}).");
}
