using Platform.Contracts.Events;

namespace MessagingService.Notifications;

/// <summary>Notices about campaigns (campaign-service events): the owner, on completion every contributor, on a refund its contributor.</summary>
public static partial class Notices
{
    private static Notice Of(CampaignCreated e) =>
        Create(e.Campaign.RecipientId, Name<CampaignCreated>(), "Your campaign was submitted", $"{Quoted(e.Campaign.Title)} is waiting for review.", Ids(e.Campaign));

    private static Notice Of(CampaignUpdated e) =>
        Create(e.Campaign.RecipientId, Name<CampaignUpdated>(), "Your campaign was updated", $"Your changes to {Quoted(e.Campaign.Title)} were saved.", Ids(e.Campaign));

    private static Notice Of(CampaignReviewed e) => e.Decision == "approved"
        ? Create(e.Campaign.RecipientId, Name<CampaignReviewed>(), "Your campaign was approved", $"{Quoted(e.Campaign.Title)} is now active.", Ids(e.Campaign, ("decision", e.Decision)))
        : Create(
            e.Campaign.RecipientId,
            Name<CampaignReviewed>(),
            "Your campaign was rejected",
            $"{Quoted(e.Campaign.Title)} was not approved" + (e.Reason is null ? "." : $": {e.Reason}"),
            Ids(e.Campaign, ("decision", e.Decision), ("reason", e.Reason)));

    private static Notice Of(CampaignStatusChanged e) => Create(
        e.Campaign.RecipientId,
        Name<CampaignStatusChanged>(),
        $"Your campaign is now {e.ToStatus}",
        $"{Quoted(e.Campaign.Title)} went from {e.FromStatus} to {e.ToStatus}" + (e.Reason is null ? "." : $" (reason: {e.Reason})."),
        Ids(e.Campaign, ("from_status", e.FromStatus), ("to_status", e.ToStatus), ("reason", e.Reason)));

    private static Notice Of(CampaignContributed e) => Create(
        e.Campaign.RecipientId,
        Name<CampaignContributed>(),
        "New contribution to your campaign",
        $"{Money(e.Amount)} towards {Quoted(e.Campaign.Title)}: {Money(e.Campaign.CollectedAmount)} of {Money(e.Campaign.GoalAmount)} collected.",
        Ids(e.Campaign, ("contribution_id", e.ContributionId), ("contributor_id", e.ContributorId), ("amount", e.Amount)));

    /// <summary>The owner, and every contributor once (an owner who contributed gets the owner's notice).</summary>
    private static Notice[] Of(CampaignCompleted e)
    {
        var owner = Create(
            e.Campaign.RecipientId,
            Name<CampaignCompleted>(),
            "Your campaign reached its goal",
            $"{Quoted(e.Campaign.Title)} collected {Money(e.Campaign.CollectedAmount)} of {Money(e.Campaign.GoalAmount)}.",
            Ids(e.Campaign));
        var contributors = e.ContributorIds
            .Where(id => id != e.Campaign.RecipientId)
            .Distinct()
            .Select(id => Create(
                id,
                Name<CampaignCompleted>(),
                "A campaign you supported reached its goal",
                $"{Quoted(e.Campaign.Title)} is fully funded. Thank you!",
                Ids(e.Campaign)));
        return [owner, .. contributors];
    }

    /// <summary>Its deadline passed short of the goal (issue 17): the owner, and every contributor once.</summary>
    private static Notice[] Of(CampaignEnded e)
    {
        var owner = Create(
            e.Campaign.RecipientId,
            Name<CampaignEnded>(),
            "Your campaign has ended",
            $"{Quoted(e.Campaign.Title)} reached its deadline with {Money(e.Campaign.CollectedAmount)} of {Money(e.Campaign.GoalAmount)} collected.",
            Ids(e.Campaign, ("ends_at", e.EndsAt)));
        var contributors = e.ContributorIds
            .Where(id => id != e.Campaign.RecipientId)
            .Distinct()
            .Select(id => Create(
                id,
                Name<CampaignEnded>(),
                "A campaign you supported has ended",
                $"{Quoted(e.Campaign.Title)} reached its deadline with {Money(e.Campaign.CollectedAmount)} of {Money(e.Campaign.GoalAmount)} collected. Thank you!",
                Ids(e.Campaign, ("ends_at", e.EndsAt))));
        return [owner, .. contributors];
    }

    /// <summary>The owner posted a progress update (issue 17): every contributor once (not the owner).</summary>
    private static Notice[] Of(CampaignUpdatePosted e) =>
    [
        .. e.ContributorIds
            .Where(id => id != e.Campaign.RecipientId)
            .Distinct()
            .Select(id => Create(
                id,
                Name<CampaignUpdatePosted>(),
                "News from a campaign you supported",
                $"{Quoted(e.Campaign.Title)}: {e.Excerpt}",
                Ids(e.Campaign, ("update_id", e.UpdateId)))),
    ];

    /// <summary>The contributor whose money went back (their campaign was removed, or it came after the goal was reached).</summary>
    private static Notice Of(CampaignContributionRefunded e) => Create(
        e.ContributorId,
        Name<CampaignContributionRefunded>(),
        "Your contribution was refunded",
        $"{Money(e.Amount)} {e.Currency.ToUpperInvariant()} went back to you (reason: {e.Reason}; refund {e.RefundReference}).",
        ("campaign_id", e.CampaignId), ("contribution_id", e.ContributionId), ("amount", e.Amount), ("refund_reference", e.RefundReference));

    private static (string, object?)[] Ids(CampaignSnapshot c, params (string, object?)[] more) => [("campaign_id", c.CampaignId), .. more];
}
