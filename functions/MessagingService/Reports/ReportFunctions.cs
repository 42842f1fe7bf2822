using MessagingService.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Reports;

/// <summary>Users report a user, donation, campaign, message or request; they list their own reports, admins all.</summary>
public sealed class ReportFunctions(
    HttpCalls http, IdempotentWrites writes, IReportStore reports, IMessageStore messages, ITargetOwners owners, BlockedUsers blocked)
{
    [Function(nameof(CreateReport))]
    public async Task<IActionResult> CreateReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<CreateReportBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var caller = call.User;
        var report = call.Input.ToDraft();
        return await writes.ExecuteAsync(req, caller.UserId, call.RawBody, async uow =>
        {
            if (await blocked.IsBlockedAsync(uow, caller.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var message = report.TargetType == ReportTargetType.Message ? await messages.FindAsync(uow, report.TargetId, ct) : null;
            var owner = report.TargetType is ReportTargetType.Donation or ReportTargetType.Campaign
                ? await owners.OwnerOfAsync(uow, report.TargetType.ToText(), report.TargetId, ct)
                : null;
            var parties = report.TargetType == ReportTargetType.Request ? await owners.PartiesOfAsync(uow, report.TargetId, ct) : null;
            var subject = ReportRules.SubjectOf(report, caller, message, owner, parties);
            if (!subject.IsSuccess)
            {
                return subject.ToResponse();
            }

            var created = await reports.InsertAsync(uow, caller.UserId, report, subject.Value, ct);
            if (created is null)
            {
                return Problems.Conflict("You already have an open report about this; an admin will look at it.");
            }

            uow.Publish(new ReportCreated(created.Id, created.ReporterId, created.TargetType, created.TargetId, created.Reason));
            return Result.Created(ReportView.From(created, caller)).ToResponse();
        }, ct);
    }

    [Function(nameof(ListReports))]
    public async Task<IActionResult> ListReports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<ReportFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await reports.ListAsync(call.User, call.Input.Status, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ReportView>(result.Items.Select(r => ReportView.From(r, call.User)).ToList(), result.NextCursor));
    }
}
