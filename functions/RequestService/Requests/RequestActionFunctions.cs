using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using RequestService.Copies;

namespace RequestService.Requests;

/// <summary>The status-changing actions on a request: approve (starts the claim saga), reject, cancel, complete.</summary>
public sealed class RequestActionFunctions(
    IAuthenticator auth, ServiceDatabase database, IRequestStore requests, RequestWorkflow workflow, ILocalCopies copies)
{
    private delegate Task<DonationRequest> Transition(UnitOfWork uow, DonationRequest request, string? reason, CancellationToken ct);

    [Function(nameof(ApproveRequest))]
    public Task<IActionResult> ApproveRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/approve")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync(req, id, RequestRules.CanApprove, (uow, r, _, c) => workflow.ApproveAsync(uow, r, c), StatusCodes.Status202Accepted, readsReason: false, ct);

    [Function(nameof(RejectRequest))]
    public Task<IActionResult> RejectRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/reject")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync(req, id, RequestRules.CanReject, workflow.RejectAsync, StatusCodes.Status200OK, readsReason: true, ct);

    [Function(nameof(CancelRequest))]
    public Task<IActionResult> CancelRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/cancel")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync(req, id, RequestRules.CanCancel, workflow.CancelAsync, StatusCodes.Status200OK, readsReason: true, ct);

    [Function(nameof(CompleteRequest))]
    public Task<IActionResult> CompleteRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/complete")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync(req, id, RequestRules.CanComplete, (uow, r, _, c) => workflow.CompleteAsync(uow, r, c), StatusCodes.Status200OK, readsReason: false, ct);

    private async Task<IActionResult> ActAsync(
        HttpRequest req, string id, Func<DonationRequest, Caller, Failure?> rule, Transition transition, int successStatus, bool readsReason, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var requestId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        string? reason = null;
        if (readsReason && (req.ContentLength > 0 || req.Headers.TransferEncoding.Count > 0))
        {
            var body = await JsonBody.ReadAsync<RejectBody>(req, ct);
            if (!body.IsValid)
            {
                return body.Problem!;
            }

            var validation = new Validation();
            reason = validation.Text("reason", body.Value!.Reason, 1, 500, required: false);
            if (!validation.IsValid)
            {
                return validation.ToProblem();
            }
        }

        await using var uow = await database.BeginAsync(ct);
        var request = await requests.LockAsync(uow, requestId, ct);
        if (request is null)
        {
            return Problems.NotFound("No such request.");
        }

        if (!RequestRules.IsVisible(request, caller))
        {
            return Problems.NotFound("No such request.");
        }

        if (await copies.IsBlockedAsync(uow, caller.UserId, ct))
        {
            return Problems.Forbidden("Your account is blocked.");
        }

        if (rule(request, caller) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await transition(uow, request, reason, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(successStatus, RequestView.From(updated));
    }
}
