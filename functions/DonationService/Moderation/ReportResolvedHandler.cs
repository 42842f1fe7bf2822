using DonationService.Donations;
using DonationService.Profiles;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace DonationService.Moderation;

/// <summary>
/// Moderation decisions that donation-service carries out: <c>block_user</c> blocks the reported
/// user (or a reported donation's donor), <c>remove_donation</c> deletes the reported donation.
/// Both publish their usual events, so every other service reacts as to an admin's own action.
/// </summary>
public sealed class ReportResolvedHandler(IProfileStore profiles, IDonationStore donations, ILogger<ReportResolvedHandler> logger)
    : IEventHandler<ReportResolved>
{
    public async Task HandleAsync(ReportResolved message, EventContext context, CancellationToken cancellationToken)
    {
        switch (message.Action)
        {
            case "block_user":
                var userId = message.SubjectUserId ?? await OwnerOfTargetAsync(message, context, cancellationToken);
                if (userId is null)
                {
                    logger.LogWarning("Report {ReportId}: no user to block for a {TargetType} target", message.ReportId, message.TargetType);
                    return;
                }

                var profile = await profiles.LockAsync(context.Work, userId.Value, cancellationToken);
                if (profile is not null && ProfileRules.CanBlock(profile, block: true) is null)
                {
                    await profiles.SetBlockedAsync(context.Work, profile.Id, blocked: true, message.ResolvedBy, $"report {message.ReportId}", cancellationToken);
                }

                break;

            case "remove_donation" when message.TargetType == "donation":
                var donation = await donations.LockAsync(context.Work, message.TargetId, cancellationToken);
                if (donation is not null)
                {
                    await donations.SoftDeleteAsync(context.Work, donation.Id, message.ResolvedBy, cancellationToken);
                }

                break;
        }
    }

    private async Task<Guid?> OwnerOfTargetAsync(ReportResolved message, EventContext context, CancellationToken cancellationToken) =>
        message.TargetType switch
        {
            "user" => message.TargetId,
            "donation" => (await donations.LockAsync(context.Work, message.TargetId, cancellationToken))?.DonorId,
            _ => null,
        };
}
