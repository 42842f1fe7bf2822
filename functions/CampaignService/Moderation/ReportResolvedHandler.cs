using CampaignService.Campaigns;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace CampaignService.Moderation;

/// <summary>
/// Moderation decisions that campaign-service carries out: <c>remove_campaign</c> on a reported
/// campaign soft-deletes it and publishes <c>campaign.deleted</c>, as an admin's own delete would.
/// </summary>
public sealed class ReportResolvedHandler(CampaignWorkflow workflow) : IEventHandler<ReportResolved>
{
    public const string RemoveCampaign = "remove_campaign";

    public Task HandleAsync(ReportResolved message, EventContext context, CancellationToken cancellationToken) =>
        message is { Action: RemoveCampaign, TargetType: "campaign" }
            ? workflow.RemoveForReportAsync(context.Work, message.TargetId, message.ReportId, message.ResolvedBy, cancellationToken)
            : Task.CompletedTask;
}
