using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;

namespace MessagingService.Erasure;

/// <summary>
/// Issue 18: messaging-service's part of an account erasure, in one transaction with the inbox row. The
/// user's tokens are refused here from now on. The messages they sent are deleted with their
/// attachments (as a report resolved with <c>remove_message</c> deletes one); the messages they received
/// stay with their senders (the senders' own words). Their notifications go. Reports they filed stay
/// for moderation, without the reporter's words (reason replaced, description removed). The blocks they
/// made are lifted (<c>user.unblocked</c>, so request-service's copy follows). Every file
/// they uploaded is deleted from storage. Then <c>message.user_erased</c>. A redelivery finds nothing
/// left to do.
/// </summary>
public sealed class ProfileErasureRequestedHandler(ErasedAccountsStore erased, BlobStorage storage, ILogger<ProfileErasureRequestedHandler> logger)
    : IEventHandler<ProfileErasureRequested>
{
    public const string ErasedReporterReason = "(the reporter's account was erased)";

    public async Task HandleAsync(ProfileErasureRequested message, EventContext context, CancellationToken cancellationToken)
    {
        var uow = context.Work;
        var userId = message.UserId;
        await erased.RecordAsync(uow, userId, cancellationToken);

        var counts = await uow.Connection.QuerySingleAsync<(int Messages, int Reports)>(new CommandDefinition(
            """
            with attachments as (
                delete from messaging.message_attachments where owner_id = @userId
                    or message_id in (select id from messaging.messages where sender_id = @userId)
                returning 1),
            sent as (
                delete from messaging.messages where sender_id = @userId returning 1),
            notices as (
                delete from messaging.notifications where user_id = @userId returning 1),
            reports as (
                update messaging.reports set reason = @reason, description = null, updated_at = now()
                 where reporter_id = @userId and reason <> @reason
                returning 1)
            select (select count(*) from sent)::int, (select count(*) from reports)::int
            """,
            new { userId, reason = ErasedReporterReason },
            uow.Transaction,
            cancellationToken: cancellationToken));

        // Blocks the user made are lifted (the rows keep their versions, as any unblock does), so request-service's copy follows.
        var lifted = await uow.Connection.QueryAsync<(Guid BlockedId, long Version)>(new CommandDefinition(
            """
            update messaging.user_blocks set blocked = false, version = version + 1, updated_at = now()
             where blocker_id = @userId and blocked
            returning blocked_id, version
            """,
            new { userId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        foreach (var (blockedId, version) in lifted)
        {
            uow.Publish(new UserUnblocked(userId, blockedId, version));
        }

        var files = await storage.DeleteOwnerAsync(userId, cancellationToken);
        uow.Publish(new MessageUserErased(userId, counts.Messages, counts.Reports));
        logger.LogInformation(
            "Erasure of {UserId}: {Messages} messages deleted, {Reports} reports anonymised, {Files} files deleted",
            userId, counts.Messages, counts.Reports, files);
    }
}
