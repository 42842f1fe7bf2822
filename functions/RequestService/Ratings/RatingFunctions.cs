using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;
using RequestService.Copies;
using RequestService.Requests;

namespace RequestService.Ratings;

/// <summary>Recipients rate the donor of an approved or completed request, once; anyone reads ratings.</summary>
public sealed class RatingFunctions(HttpCalls http, IdempotentWrites writes, IRequestStore requests, RatingStore ratings, ILocalCopies copies)
{
    [Function(nameof(SubmitRating))]
    public async Task<IActionResult> SubmitRating(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ratings")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<RatingBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var draft = call.Input.ToDraft();
        return await writes.ExecuteAsync(req, call.User.UserId, call.RawBody, async uow =>
        {
            var request = await requests.LockAsync(uow, draft.RequestId, ct);
            if (request is null || !RequestRules.IsVisible(request, call.User))
            {
                return Problems.NotFound("No such request.");
            }

            if (request.RecipientId != call.User.UserId)
            {
                return Problems.Forbidden("Only the recipient of the request can rate its donor.");
            }

            if (request.State is not (RequestStatus.Approved or RequestStatus.Completed))
            {
                return Problems.Conflict($"Only an approved or completed request can be rated (status: {request.Status}).");
            }

            if (await copies.IsBlockedAsync(uow, call.User.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var rating = await ratings.InsertAsync(uow, request, draft.Rating, draft.Comment, ct);
            if (rating is null)
            {
                return Problems.Conflict("This request has already been rated.");
            }

            uow.Publish(new RatingSubmitted(rating.Id, rating.RequestId, rating.DonorId, rating.RecipientId, rating.Rating));
            return Result.Created(RatingView.From(rating)).ToResponse(r => $"/api/ratings?donor_id={r.DonorId}");
        }, ct);
    }

    [Function(nameof(ListRatings))]
    public async Task<IActionResult> ListRatings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ratings")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<RatingFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await ratings.ListAsync(call.Input, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<RatingView>(result.Items.Select(RatingView.From).ToList(), result.NextCursor));
    }
}
