using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
using RequestService.Requests;

namespace RequestService.Erasure;

/// <summary>
/// Issue 18: request-service's part of an account erasure, in one transaction with the inbox row. The
/// user's tokens are refused here from now on; their open requests as a recipient are cancelled
/// (reason <c>account_erased</c>, with the usual <c>request.cancelled</c>, so a claimed item is
/// released); the messages of their requests and the comments of every rating they gave or received
/// are removed (the stars stay, so donors' rating sums stay right). Requests for the user's own
/// donations end through <c>donation.deleted</c> (donation-service deletes every donation of an erased
/// donor). Then <c>request.user_erased</c> answers the saga. A redelivery finds nothing left to do.
/// </summary>
public sealed class ProfileErasureRequestedHandler(
    ErasedAccountsStore erased, IRequestStore requests, RequestWorkflow workflow, ILogger<ProfileErasureRequestedHandler> logger)
    : IEventHandler<ProfileErasureRequested>
{
    public const string Reason = "account_erased";

    public async Task HandleAsync(ProfileErasureRequested message, EventContext context, CancellationToken cancellationToken)
    {
        var uow = context.Work;
        var userId = message.UserId;
        await erased.RecordAsync(uow, userId, cancellationToken);

        var open = await requests.LockOpenAsync(uow, null, userId, RequestWorkflow.OpenStates, cancellationToken);
        foreach (var request in open)
        {
            await workflow.CancelAsync(uow, request, Reason, cancellationToken);
        }

        var comments = await uow.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            with messages as (
                update request.requests set message = null where recipient_id = @userId and message is not null
                returning 1),
            cleared as (
                update request.ratings set comment = null
                 where (recipient_id = @userId or donor_id = @userId) and comment is not null
                returning 1),
            legacy as (
                update request.legacy_ratings set comment = null
                 where (recipient_id = @userId or donor_id = @userId) and comment is not null
                returning 1)
            select ((select count(*) from cleared) + (select count(*) from legacy) + 0 * (select count(*) from messages))::int;
            """,
            new { userId },
            uow.Transaction,
            cancellationToken: cancellationToken));

        uow.Publish(new RequestUserErased(userId, open.Count, comments));
        logger.LogInformation("Erasure of {UserId}: {Requests} requests cancelled, {Comments} rating comments removed", userId, open.Count, comments);
    }
}
