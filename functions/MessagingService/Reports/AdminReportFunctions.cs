using MessagingService.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Reports;

/// <summary>
/// Admins review or resolve a report with an action; report.resolved carries it to the owning
/// service (donation-service blocks the user or removes the donation, campaign-service removes the campaign);
/// remove_message deletes the reported message here, and its attachments through message.removed.
/// </summary>
public sealed class AdminReportFunctions(
    HttpCalls http, ServiceDatabase database, IReportStore reports, ITargetOwners owners, IMessageStore messages, ILogger<AdminReportFunctions> logger)
{
    [Function(nameof(ResolveReport))]
    public async Task<IActionResult> ResolveReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/reports/{id}/resolve")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ResolveReportBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var admin = call.User;
        var resolution = call.Input.ToResolution();
        await using var uow = await database.BeginAsync(ct);
        var report = await reports.LockAsync(uow, call.Id, ct);
        if (report is null)
        {
            return Problems.NotFound("No such report.");
        }

        // An owner or request learned from events since the report was filed still names the user to block.
        var subject = report.SubjectUserId ?? report.TargetType switch
        {
            "donation" or "campaign" => await owners.OwnerOfAsync(uow, report.TargetType, report.TargetId, ct),
            "request" => ReportRules.OtherParty(await owners.PartiesOfAsync(uow, report.TargetId, ct), report.ReporterId),
            _ => null,
        };
        if (ReportRules.CanResolve(report, resolution, subject) is { } refused)
        {
            return refused.ToResponse();
        }

        var resolved = await reports.ResolveAsync(uow, report.Id, resolution, admin.UserId, subject, ct);
        if (resolution.Action == ReportAction.RemoveMessage && await messages.DeleteAsync(uow, report.TargetId, ct) is { } removed)
        {
            // Gone from the conversation now; its attachments' blobs go through message.removed (a second report's removal finds nothing).
            uow.Publish(new MessageRemoved(removed.Id, removed.SenderId, removed.ReceiverId, admin.UserId));
        }

        uow.Publish(new ReportResolved(
            resolved.Id, resolved.TargetType, resolved.TargetId, resolved.Status, resolved.Action!, resolved.SubjectUserId, admin.UserId));
        await uow.CommitAsync(ct);
        logger.LogInformation(
            "Report {ReportId} {Status} by {AdminId} with action {Action} on {TargetType} {TargetId}",
            resolved.Id, resolved.Status, admin.UserId, resolved.Action, resolved.TargetType, resolved.TargetId);
        return new ApiResponse(StatusCodes.Status200OK, ReportView.From(resolved, admin));
    }
}
