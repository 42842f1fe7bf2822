using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using RequestService.Copies;
using RequestService.Donations;

namespace RequestService.Requests;

/// <summary>Recipients ask for donations; the parties and admins read requests.</summary>
public sealed class RequestFunctions(
    HttpCalls http, IdempotentWrites writes, IRequestStore requests, IDonationClient donations, ILocalCopies copies, UserBlockCopies blocks)
{
    [Function(nameof(CreateRequest))]
    public async Task<IActionResult> CreateRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<CreateRequestBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var caller = call.User;
        var draft = call.Input.ToDraft();

        // A retry gets its first answer, whatever donation-service would say now.
        if (await writes.TryReplayAsync(req, caller.UserId, call.RawBody, ct) is { } replay)
        {
            return replay;
        }

        // request-service's copies first (one query): when they confirm everything, donation-service
        // is not called. Anything less (unknown caller or donation, any reason to refuse) is decided
        // by donation-service, outside any transaction.
        var copied = await copies.ReadForRequestAsync(caller.UserId, draft.DonationId, ct);
        if (copied.IsBlocked)
        {
            return Problems.Forbidden("Your account is blocked.");
        }

        Guid donorId;
        if (copied.ConfirmRequestBy(caller.UserId))
        {
            donorId = copied.DonorId!.Value;
        }
        else
        {
            var (answeredDonor, refusal) = await AskDonationServiceAsync(req, caller, draft.DonationId, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            donorId = answeredDonor;
        }

        return await writes.ExecuteAsync(req, caller.UserId, call.RawBody, async uow =>
        {
            // The donor blocked the caller in messaging-service (user.blocked): the same neutral words
            // messaging answers a blocked sender with (docs/DESIGN-NOTES.md, "Blocks").
            if (await blocks.BlocksAsync(uow, donorId, caller.UserId, ct))
            {
                return Problems.Forbidden("The donor does not accept requests from you.");
            }

            var created = await requests.InsertAsync(uow, draft.DonationId, donorId, caller.UserId, draft.Message, ct);
            if (created is null)
            {
                return Problems.Conflict("You already requested this donation.");
            }

            uow.Publish(new Platform.Contracts.Events.RequestCreated(created.Parties, created.Message));
            return Result.Created(RequestView.From(created)).ToResponse(r => $"/api/requests/{r.Id}");
        }, ct);
    }

    [Function(nameof(ListRequests))]
    public async Task<IActionResult> ListRequests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "requests")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<RequestFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await requests.ListAsync(call.Input, call.User, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<RequestView>(result.Items.Select(RequestView.From).ToList(), result.NextCursor));
    }

    [Function(nameof(GetRequest))]
    public async Task<IActionResult> GetRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "requests/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var request = await requests.FindAsync(call.Id, ct);
        return request is not null && RequestRules.IsVisible(request, call.User)
            ? new ApiResponse(StatusCodes.Status200OK, RequestView.From(request))
            : Problems.NotFound("No such request.");
    }

    /// <summary>
    /// Who the caller is and what the item is, asked of donation-service with the caller's own token
    /// (so its visibility rules apply): the donor's id, or the refusal to answer with.
    /// </summary>
    private async Task<(Guid DonorId, ApiResponse? Refusal)> AskDonationServiceAsync(HttpRequest req, Caller caller, Guid donationId, CancellationToken ct)
    {
        var token = AuthenticatorExtensions.BearerTokenOf(req)!;
        var profileCall = donations.GetCallerProfileAsync(token, ct);
        var donationCall = donations.GetDonationAsync(donationId, token, ct);
        var (profile, donation) = (await profileCall, await donationCall);
        if (profile.Outcome == LookupOutcome.Unavailable || donation.Outcome == LookupOutcome.Unavailable)
        {
            return (default, Problems.Unavailable("donation-service did not answer; nothing was created. Retry shortly.", retryAfterSeconds: 5));
        }

        if (profile.Blocked)
        {
            return (default, Problems.Forbidden("Your account is blocked."));
        }

        if (profile.Role != "recipient")
        {
            return (default, Problems.Forbidden("Only recipients can request donations; set your role to recipient (PUT /api/profiles/me)."));
        }

        if (donation.Outcome == LookupOutcome.NotFound)
        {
            return (default, Problems.NotFound("No such donation."));
        }

        if (donation.DonorId == caller.UserId)
        {
            return (default, Problems.Forbidden("You cannot request your own donation."));
        }

        if (donation.Status != "available")
        {
            return (default, Problems.Conflict($"The donation is not available (status: {donation.Status})."));
        }

        return (donation.DonorId, null);
    }
}
