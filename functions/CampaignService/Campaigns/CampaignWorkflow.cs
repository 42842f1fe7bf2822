using CampaignService.Contributions;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Data;

namespace CampaignService.Campaigns;

/// <summary>
/// Every change of a campaign with the event it publishes, in the caller's transaction (the outbox
/// row commits with the change). The HTTP functions and the event handlers both go through here.
/// </summary>
public sealed class CampaignWorkflow(ICampaignStore campaigns, IContributionStore contributions, ILogger<CampaignWorkflow> logger)
{
    public const string OwnerBlockedReason = "owner_blocked";
    public const string CampaignDeleted = "campaign_deleted";
    public const string CampaignRemoved = "campaign_removed_by_moderation";

    public async Task<Campaign> CreateAsync(UnitOfWork uow, Guid recipientId, CampaignFields fields, CancellationToken ct)
    {
        var campaign = await campaigns.InsertAsync(uow, recipientId, fields, ct);
        uow.Publish(new CampaignCreated(campaign.Snapshot));
        return campaign;
    }

    /// <summary>An edit; a material one of an approved campaign sends it back to review (<see cref="CampaignRules.NeedsReReview"/>), in one <c>campaign.updated</c>.</summary>
    public async Task<Campaign> UpdateAsync(UnitOfWork uow, Campaign campaign, CampaignFields fields, CancellationToken ct)
    {
        var updated = await campaigns.UpdateAsync(uow, campaign.Id, fields, ct);
        if (CampaignRules.NeedsReReview(campaign, fields))
        {
            updated = await campaigns.ResubmitAsync(uow, campaign.Id, ct);
        }

        uow.Publish(new CampaignUpdated(updated.Snapshot));
        return updated;
    }

    /// <summary>New content (an image) on an approved campaign: back to review, <c>campaign.updated</c>; otherwise unchanged.</summary>
    public async Task<Campaign> ResubmitIfApprovedAsync(UnitOfWork uow, Campaign campaign, CancellationToken ct)
    {
        if (campaign.State is not (CampaignStatus.Active or CampaignStatus.Paused))
        {
            return campaign;
        }

        var updated = await campaigns.ResubmitAsync(uow, campaign.Id, ct);
        uow.Publish(new CampaignUpdated(updated.Snapshot));
        return updated;
    }

    public async Task<Campaign> ReviewAsync(UnitOfWork uow, Campaign campaign, ReviewDecision decision, CampaignStatus status, string? reason, Guid reviewer, CancellationToken ct)
    {
        var updated = await campaigns.ReviewAsync(uow, campaign.Id, status, reason, reviewer, ct);
        uow.Publish(new CampaignReviewed(updated.Snapshot, decision == ReviewDecision.Approve ? "approved" : "rejected", reason, reviewer));
        return updated;
    }

    /// <summary>Pause or resume (<c>campaign.status_changed</c>); a pause may carry its reason.</summary>
    public async Task<Campaign> ChangeStatusAsync(UnitOfWork uow, Campaign campaign, CampaignStatus to, string? reason, CancellationToken ct)
    {
        if (!CampaignRules.CanMove(campaign.State, to))
        {
            throw new InvalidOperationException($"Campaign {campaign.Id} cannot move from {campaign.Status} to {to}.");
        }

        var updated = await campaigns.SetStatusAsync(uow, campaign.Id, to, to == CampaignStatus.Paused ? reason : null, ct);
        uow.Publish(new CampaignStatusChanged(updated.Snapshot, campaign.Status, updated.Status, reason));
        return updated;
    }

    /// <summary>
    /// Issue 17: ends up to <paramref name="batch"/> active or paused campaigns past their deadline and
    /// publishes <c>campaign.ended</c> for each, with its contributors, in the same transaction; returns how many.
    /// </summary>
    public async Task<int> EndDueAsync(UnitOfWork uow, int batch, CancellationToken ct)
    {
        var ended = await campaigns.EndDueAsync(uow, batch, ct);
        foreach (var campaign in ended)
        {
            var contributors = await contributions.ContributorIdsAsync(uow, campaign.Id, ct);
            uow.Publish(new CampaignEnded(campaign.Snapshot, contributors, campaign.EndsAt!.Value));
        }

        return ended.Count;
    }

    /// <summary>
    /// Deletes a (locked) campaign; its confirmed contributions are queued for a refund in the same
    /// transaction (the refund saga, <see cref="Payments.RefundSaga"/>, pays them back).
    /// </summary>
    public async Task<Campaign> DeleteAsync(UnitOfWork uow, Campaign campaign, Guid deletedBy, string refundReason, CancellationToken ct)
    {
        var deleted = await campaigns.SoftDeleteAsync(uow, campaign.Id, deletedBy, ct);
        var refunds = await contributions.QueueRefundsAsync(uow, campaign.Id, refundReason, ct);
        if (refunds > 0)
        {
            logger.LogInformation("Campaign {CampaignId} deleted: {Count} contributions queued for refund", campaign.Id, refunds);
        }

        uow.Publish(new CampaignDeleted(deleted.Id, deleted.RecipientId, deletedBy, deleted.Version));
        return deleted;
    }

    /// <summary>
    /// The provider confirmed a pending contribution to a campaign the caller has locked and found
    /// active: the contribution is confirmed, the totals change and <c>campaign.contributed</c> is
    /// published; the confirmation that reaches the goal also completes the campaign and publishes
    /// <c>campaign.completed</c> — once, because later ones find it no longer active.
    /// </summary>
    public async Task<(Contribution Contribution, Campaign Campaign)> ConfirmAsync(UnitOfWork uow, Campaign campaign, Contribution contribution, string? paymentReference, CancellationToken ct)
    {
        var confirmed = await contributions.SetStatusAsync(uow, contribution.Id, ContributionStatus.Confirmed, null, paymentReference, ct);
        var first = await contributions.IsFirstOfContributorAsync(uow, campaign.Id, contribution.ContributorId, ct);
        var updated = await campaigns.AddContributionAsync(uow, campaign.Id, confirmed.Amount, first, ct);
        uow.Publish(new CampaignContributed(updated.Snapshot, confirmed.Id, confirmed.ContributorId, confirmed.Amount));
        if (updated.State == CampaignStatus.Completed)
        {
            var contributors = await contributions.ContributorIdsAsync(uow, campaign.Id, ct);
            uow.Publish(new CampaignCompleted(updated.Snapshot, contributors));
            logger.LogInformation(
                "Campaign {CampaignId} completed: {Collected} collected of {Goal} from {Contributors} contributors",
                updated.Id, updated.CollectedAmount, updated.GoalAmount, contributors.Count);
        }

        return (confirmed, updated);
    }

    /// <summary>The owner was blocked: their active campaigns are paused with reason <c>owner_blocked</c>.</summary>
    public async Task<int> PauseForBlockedOwnerAsync(UnitOfWork uow, Guid recipientId, CancellationToken ct)
    {
        var active = await campaigns.LockOfRecipientAsync(uow, recipientId, CampaignStatus.Active, ct);
        foreach (var campaign in active)
        {
            await ChangeStatusAsync(uow, campaign, CampaignStatus.Paused, OwnerBlockedReason, ct);
        }

        if (active.Count > 0)
        {
            logger.LogInformation("Paused {Count} campaigns of blocked user {UserId}", active.Count, recipientId);
        }

        return active.Count;
    }

    /// <summary>A moderator's decision (report.resolved with remove_campaign): the campaign is deleted, if it still exists.</summary>
    public async Task RemoveForReportAsync(UnitOfWork uow, Guid campaignId, Guid reportId, Guid resolvedBy, CancellationToken ct)
    {
        var campaign = await campaigns.LockAsync(uow, campaignId, ct);
        if (campaign is null)
        {
            logger.LogInformation("Report {ReportId}: campaign {CampaignId} is already gone", reportId, campaignId);
            return;
        }

        await DeleteAsync(uow, campaign, resolvedBy, CampaignRemoved, ct);
        logger.LogInformation("Report {ReportId}: campaign {CampaignId} removed", reportId, campaignId);
    }
}
