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
