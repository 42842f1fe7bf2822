using Dapper;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace DonationService.Claims;

/// <summary>Claim saga: the donor approved a request → claim the item or refuse.</summary>
public sealed class RequestApprovedHandler(ClaimStore claims) : IEventHandler<RequestApproved>
{
    public Task HandleAsync(RequestApproved message, EventContext context, CancellationToken cancellationToken) =>
        claims.ClaimAsync(context.Work, message.Request, cancellationToken);
}

/// <summary>A rejected request that held the claim releases the item.</summary>
public sealed class RequestRejectedHandler(ClaimStore claims) : IEventHandler<RequestRejected>
{
    public Task HandleAsync(RequestRejected message, EventContext context, CancellationToken cancellationToken) =>
        message.WasApproved ? claims.ReleaseAsync(context.Work, message.Request, cancellationToken) : Task.CompletedTask;
}

/// <summary>A cancelled request that held the claim releases the item.</summary>
public sealed class RequestCancelledHandler(ClaimStore claims) : IEventHandler<RequestCancelled>
{
    public Task HandleAsync(RequestCancelled message, EventContext context, CancellationToken cancellationToken) =>
        message.WasApproved ? claims.ReleaseAsync(context.Work, message.Request, cancellationToken) : Task.CompletedTask;
}

/// <summary>A completed request marks the item completed.</summary>
public sealed class RequestCompletedHandler(ClaimStore claims) : IEventHandler<RequestCompleted>
{
    public Task HandleAsync(RequestCompleted message, EventContext context, CancellationToken cancellationToken) =>
        claims.CompleteAsync(context.Work, message.Request, cancellationToken);
}

/// <summary>A recipient's rating updates the donor's average and count (exact sum kept alongside).</summary>
public sealed class RatingSubmittedHandler : IEventHandler<RatingSubmitted>
{
    public Task HandleAsync(RatingSubmitted message, EventContext context, CancellationToken cancellationToken) =>
        context.Work.Connection.ExecuteAsync(new CommandDefinition(
            """
            update donation.profiles
               set rating_sum = rating_sum + @Rating,
                   rating_count = rating_count + 1,
                   rating_avg = round((rating_sum + @Rating)::numeric / (rating_count + 1), 2),
                   version = version + 1, updated_at = now()
             where id = @DonorId
            """,
            new { message.Rating, message.DonorId },
            context.Work.Transaction,
            cancellationToken: cancellationToken));
}

/// <summary>
/// A changed rating moves the donor's exact sum by <c>rating - previous_rating</c> (the count stays).
/// Each event is applied once (the inbox); the differences of a rating's successive changes add up
/// to its latest value whatever order they arrive in. A change that overtook its rating.submitted
/// (the donor has no ratings counted yet) fails and is retried until the submission has been applied.
/// </summary>
public sealed class RatingChangedHandler : IEventHandler<RatingChanged>
{
    public async Task HandleAsync(RatingChanged message, EventContext context, CancellationToken cancellationToken)
    {
        var delta = message.Rating - message.PreviousRating;
        var outcome = await context.Work.Connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            """
            with donor as (select id, rating_count from donation.profiles where id = @DonorId for update),
            changed as (
                update donation.profiles p
                   set rating_sum = p.rating_sum + @delta,
                       rating_avg = round((p.rating_sum + @delta)::numeric / p.rating_count, 2),
                       version = p.version + 1, updated_at = now()
                  from donor
                 where p.id = donor.id and donor.rating_count > 0 and p.rating_sum + @delta between p.rating_count and 5 * p.rating_count
                returning 1)
            select case when not exists (select 1 from donor) then 0 when exists (select 1 from changed) then 1 else -1 end
            """,
            new { message.DonorId, delta },
            context.Work.Transaction,
            cancellationToken: cancellationToken));
        if (outcome == -1)
        {
            throw new InvalidOperationException(
                $"rating.changed of rating {message.RatingId} (v{message.Version}) does not fit donor {message.DonorId}'s counted ratings yet; retried until its rating.submitted is applied.");
        }
    }
}
