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
    HttpCalls http, ServiceDatabase database, IRequestStore requests, RequestWorkflow workflow, ILocalCopies copies)
{
    /// <summary>The state change of an action, given the action's body (<see cref="NoInput"/> when it takes none).</summary>
    private delegate Task<DonationRequest> Transition<in TBody>(UnitOfWork uow, DonationRequest request, TBody? body, CancellationToken ct);

    [Function(nameof(ApproveRequest))]
    public Task<IActionResult> ApproveRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/approve")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync<NoInput>(req, id, nameof(ApproveRequest), RequestRules.CanApprove, (uow, r, _, c) => workflow.ApproveAsync(uow, r, c), StatusCodes.Status202Accepted, ct);

    [Function(nameof(RejectRequest))]
    public Task<IActionResult> RejectRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/reject")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync<RejectBody>(req, id, nameof(RejectRequest), RequestRules.CanReject, (uow, r, body, c) => workflow.RejectAsync(uow, r, body?.Reason, c), StatusCodes.Status200OK, ct);

    [Function(nameof(CancelRequest))]
    public Task<IActionResult> CancelRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/cancel")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync<RejectBody>(req, id, nameof(CancelRequest), RequestRules.CanCancel, (uow, r, body, c) => workflow.CancelAsync(uow, r, body?.Reason, c), StatusCodes.Status200OK, ct);

    [Function(nameof(CompleteRequest))]
    public Task<IActionResult> CompleteRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{id}/complete")] HttpRequest req, string id, CancellationToken ct) =>
        ActAsync<NoInput>(req, id, nameof(CompleteRequest), RequestRules.CanComplete, (uow, r, _, c) => workflow.CompleteAsync(uow, r, c), StatusCodes.Status200OK, ct);

    /// <summary>What the four actions share; <paramref name="function"/> names the action's entry in the API description.</summary>
    private async Task<IActionResult> ActAsync<TBody>(
        HttpRequest req, string id, string function, Func<DonationRequest, Caller, Failure?> rule, Transition<TBody> transition, int successStatus, CancellationToken ct)
        where TBody : class
    {
        var call = await http.BeginAsync<TBody>(req, ct, id, function);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var request = await requests.LockAsync(uow, call.Id, ct);
        if (request is null)
        {
            return Problems.NotFound("No such request.");
        }

        if (!RequestRules.IsVisible(request, call.User))
        {
            return Problems.NotFound("No such request.");
        }

        if (await copies.IsBlockedAsync(uow, call.User.UserId, ct))
        {
            return Problems.Forbidden("Your account is blocked.");
        }

        if (rule(request, call.User) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await transition(uow, request, call.InputOrNull, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(successStatus, RequestView.From(updated));
    }
}
