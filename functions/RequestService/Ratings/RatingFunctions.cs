using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using RequestService.Copies;
using RequestService.Requests;

namespace RequestService.Ratings;

/// <summary>Recipients rate the donor of an approved or completed request, once; anyone reads ratings.</summary>
public sealed class RatingFunctions(IAuthenticator auth, IdempotentWrites writes, IRequestStore requests, RatingStore ratings, ILocalCopies copies)
{
    [Function(nameof(SubmitRating))]
    public async Task<IActionResult> SubmitRating(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ratings")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<RatingBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var validation = new Validation();
        var requestId = validation.Uuid("request_id", body.Value!.RequestId, required: true);
        var score = validation.Range("rating", body.Value.Rating, 1, 5, required: true);
        var comment = validation.Text("comment", body.Value.Comment, 0, 1000, required: false);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        return await writes.ExecuteAsync(req, caller.UserId, body.Raw, async uow =>
        {
            var request = await requests.LockAsync(uow, requestId!.Value, ct);
            if (request is null || !RequestRules.IsVisible(request, caller))
            {
                return Problems.NotFound("No such request.");
            }

            if (request.RecipientId != caller.UserId)
            {
                return Problems.Forbidden("Only the recipient of the request can rate its donor.");
            }

            if (request.State is not (RequestStatus.Approved or RequestStatus.Completed))
            {
                return Problems.Conflict($"Only an approved or completed request can be rated (status: {request.Status}).");
            }

            if (await copies.IsBlockedAsync(uow, caller.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var rating = await ratings.InsertAsync(uow, request, score!.Value, string.IsNullOrEmpty(comment) ? null : comment, ct);
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
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var donorId = query.Uuid("donor_id");
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await ratings.ListAsync(donorId, page, ct);
        var result = rows.ToPage(page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<RatingView>(result.Items.Select(RatingView.From).ToList(), result.NextCursor));
    }
}
