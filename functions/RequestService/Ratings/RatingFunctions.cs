using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;
using RequestService.Copies;
using RequestService.Requests;

namespace RequestService.Ratings;

/// <summary>Recipients rate the donor of a completed request, once, and may change it for 30 days; anyone reads ratings.</summary>
public sealed class RatingFunctions(HttpCalls http, ServiceDatabase database, IdempotentWrites writes, IRequestStore requests, RatingStore ratings, ILocalCopies copies)
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

            if (await copies.IsBlockedAsync(uow, call.User.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            // Issue 17: only after the hand-over. An approved request can still be cancelled, and its rating would stay.
            if (request.State is not RequestStatus.Completed)
            {
                return Problems.Conflict($"Only a completed request (the item handed over) can be rated (status: {request.Status}).");
            }

            var rating = await ratings.InsertAsync(uow, request, draft.Rating, draft.Comment, ct);
            if (rating is null)
            {
                return Problems.Conflict("This request has already been rated; change the rating with PUT /api/ratings/{id} within 30 days.");
            }

            uow.Publish(new RatingSubmitted(rating.Id, rating.RequestId, rating.DonorId, rating.RecipientId, rating.Rating));
            return Result.Created(RatingView.From(rating, call.User)).ToResponse(r => $"/api/ratings?donation_id={r.DonationId}");
        }, ct);
    }

    [Function(nameof(ChangeRating))]
    public async Task<IActionResult> ChangeRating(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "ratings/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<RatingChangeBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var rating = await ratings.LockAsync(uow, call.Id, ct);
        if (rating is null)
        {
            return Problems.NotFound("No such rating.");
        }

        if (rating.RecipientId != call.User.UserId)
        {
            return Problems.Forbidden("Only the recipient who gave a rating can change it.");
        }

        if (await copies.IsBlockedAsync(uow, call.User.UserId, ct))
        {
            return Problems.Forbidden("Your account is blocked.");
        }

        if (!rating.Editable)
        {
            return Problems.Conflict($"A rating can be changed for 30 days after it was given (until {RatingView.From(rating, call.User).EditableUntil:O}).");
        }

        var (stars, comment) = (call.Input.Rating!.Value, call.Input.CommentOrNull());
        if (stars == rating.Rating && comment == rating.Comment)
        {
            return new ApiResponse(StatusCodes.Status200OK, RatingView.From(rating, call.User));
        }

        var changed = await ratings.ChangeAsync(uow, rating.Id, stars, comment, ct);
        uow.Publish(new RatingChanged(changed.Id, changed.RequestId, changed.DonorId, changed.RecipientId, rating.Rating, changed.Rating, changed.Version));
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, RatingView.From(changed, call.User));
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
        return new ApiResponse(StatusCodes.Status200OK, new Page<RatingView>(result.Items.Select(r => RatingView.From(r, call.Caller)).ToList(), result.NextCursor));
    }
}
