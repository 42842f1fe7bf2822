using CampaignService.Campaigns;
using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;

namespace CampaignService.Erasure;

/// <summary>
/// Issue 18: campaign-service's part of an account erasure, in one transaction with the inbox row. The
/// user's tokens are refused here from now on. Their campaigns that are under review or take money
/// (pending, active, paused) are deleted through the usual path, which queues every confirmed
/// contribution for a refund (reason <c>owner_erased</c>); finished ones (completed, ended, rejected)
/// are deleted without refunds (their money is settled). Every campaign of theirs loses its text and
/// images. Their own contributions stay as anonymous amounts: the contributor becomes one random id
/// per erasure (totals and contributor counts unchanged). Then <c>campaign.user_erased</c>. A
/// redelivery finds nothing left to do.
/// </summary>
public sealed class ProfileErasureRequestedHandler(
    ErasedAccountsStore erased, ICampaignStore campaigns, CampaignWorkflow workflow, BlobStorage storage, ILogger<ProfileErasureRequestedHandler> logger)
    : IEventHandler<ProfileErasureRequested>
{
    public const string RefundReason = "owner_erased";

    public async Task HandleAsync(ProfileErasureRequested message, EventContext context, CancellationToken cancellationToken)
    {
        var uow = context.Work;
        var userId = message.UserId;
        await erased.RecordAsync(uow, userId, cancellationToken);

        var deleted = 0;
        foreach (var status in new[] { CampaignStatus.Pending, CampaignStatus.Active, CampaignStatus.Paused })
        {
            foreach (var campaign in await campaigns.LockOfRecipientAsync(uow, userId, status, cancellationToken))
            {
                await workflow.DeleteAsync(uow, campaign, message.RequestedBy, RefundReason, cancellationToken);
                deleted++;
            }
        }

        foreach (var status in new[] { CampaignStatus.Completed, CampaignStatus.Ended, CampaignStatus.Rejected })
        {
            foreach (var campaign in await campaigns.LockOfRecipientAsync(uow, userId, status, cancellationToken))
            {
                var gone = await campaigns.SoftDeleteAsync(uow, campaign.Id, message.RequestedBy, cancellationToken);
                uow.Publish(new CampaignDeleted(gone.Id, gone.RecipientId, message.RequestedBy, gone.Version));
                deleted++;
            }
        }

        var contributions = await uow.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            with stripped as (
                update campaign.campaigns
                   set title = 'erased', description = null, location = null, image_url = null, pause_reason = null, updated_at = now()
                 where recipient_id = @userId
                returning 1),
            images as (
                delete from campaign.campaign_images where owner_id = @userId returning 1),
            anonymised as (
                update campaign.contributions set contributor_id = @anonymous, idempotency_key = null, updated_at = now()
                 where contributor_id = @userId
                returning 1)
            select (select count(*) from anonymised)::int;
            """,
            new { userId, anonymous = Guid.CreateVersion7() },
            uow.Transaction,
            cancellationToken: cancellationToken));

        // Every image of the user (attached or not); idempotent, so a retry after a failure deletes the rest.
        var files = await storage.DeleteOwnerAsync(userId, cancellationToken);
        uow.Publish(new CampaignUserErased(userId, deleted, contributions));
        logger.LogInformation(
            "Erasure of {UserId}: {Campaigns} campaigns deleted, {Contributions} contributions anonymised, {Files} files deleted",
            userId, deleted, contributions, files);
    }
}
