using System.Globalization;
using MessagingService.Files;
using MessagingService.Notifications;
using MessagingService.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>Users send messages (with up to 3 pictures), read a conversation or a message they are part of, and mark what they received read.</summary>
public sealed class MessageFunctions(
    HttpCalls http, ServiceDatabase database, IdempotentWrites writes, IMessageStore messages, INotificationStore notifications, BlockedUsers blocked,
    BlobStorage storage, IMessageAttachmentStore attachments, IReportStore reports, MessageViews views, UserBlocks blocks)
{
    [Function(nameof(SendMessage))]
    public async Task<IActionResult> SendMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<SendMessageBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var sender = call.User.UserId;
        IReadOnlyList<UploadedBlob> files = [];
        if (call.Input.ToAttachmentIds() is { Count: > 0 } attachmentIds)
        {
            // A retry of a message already sent is answered before its files are checked again; a blocked
            // sender is refused before storage is asked (and again in the transaction).
            if (await writes.TryReplayAsync(req, sender, call.RawBody, ct) is { } replay)
            {
                return replay;
            }

            if (await blocked.IsBlockedAsync(database, sender, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var checkedFiles = await CheckAttachmentsAsync(sender, attachmentIds, ct);
            if (!checkedFiles.IsSuccess)
            {
                return checkedFiles.ToResponse();
            }

            files = checkedFiles.Value!;
        }

        var response = await writes.ExecuteAsync(req, sender, call.RawBody, async uow =>
        {
            if (await blocked.IsBlockedAsync(uow, sender, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            if (MessageRules.CanWriteTo(await blocks.BetweenAsync(uow, sender, call.Input.ToDraft().ReceiverId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            var message = await messages.InsertAsync(uow, sender, call.Input.ToDraft(), ct);
            for (var i = 0; i < files.Count; i++)
            {
                if (!await attachments.AppendAsync(uow, message.Id, sender, files[i], i, ct))
                {
                    // Returning a problem rolls the message back: nothing is half-sent.
                    return Problems.Conflict(string.Create(CultureInfo.InvariantCulture,
                        $"attachment_ids item {i} is already attached to a message; upload the picture again to send it twice."));
                }
            }

            await notifications.AddAsync(uow, message.Id.ToString(), [Notices.MessageReceived(message)], ct);
            uow.Publish(new MessageSent(message.Id, message.SenderId, message.ReceiverId, message.DonationId, message.CampaignId));
            return Result.Created(await views.SentAsync(message, files, ct)).ToResponse(m => $"/api/messages?with={m.ReceiverId}");
        }, ct);
        if (response.IsSuccess)
        {
            foreach (var file in files)
            {
                await storage.MarkAttachedAsync(MessagingFiles.MessageAttachment, sender, file.Id, ct);
            }
        }

        return response;
    }

    [Function(nameof(ListMessages))]
    public async Task<IActionResult> ListMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<ConversationFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await messages.ListConversationAsync(call.User.UserId, call.Input, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, m => new Cursor(m.CreatedAt, m.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<MessageView>(await views.ManyAsync(result.Items, ct), result.NextCursor));
    }

    /// <summary>One message: to its two parties; to an admin only while someone has reported it; to everyone else it does not exist.</summary>
    [Function(nameof(GetMessage))]
    public async Task<IActionResult> GetMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        Message? message;
        await using (var uow = await database.BeginAsync(ct))
        {
            message = await messages.FindAsync(uow, call.Id, ct);
            var reported = message is not null && call.User.IsAdmin && !MessageRules.IsParty(message, call.User)
                && await reports.IsReportedAsync(uow, "message", message.Id, ct);
            if (message is null || MessageRules.CanView(message, call.User, reported) is not null)
            {
                return Problems.NotFound("No such message.");
            }
        }

        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(message, ct));
    }

    /// <summary>The receiver marks a message read (again: 200, unchanged); message.read is published once.</summary>
    [Function(nameof(MarkMessageRead))]
    public async Task<IActionResult> MarkMessageRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages/{id}/read")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        Message read;
        await using (var uow = await database.BeginAsync(ct))
        {
            var message = await messages.LockAsync(uow, call.Id, ct);
            if (message is null)
            {
                return Problems.NotFound("No such message.");
            }

            if (MessageRules.CanMarkRead(message, call.User) is { } refused)
            {
                return refused.ToResponse();
            }

            if (message.ReadAt is not null)
            {
                read = message;
            }
            else
            {
                read = await messages.MarkReadAsync(uow, message.Id, ct);
                await notifications.MarkSourceReadAsync(uow, message.Id.ToString(), call.User.UserId, ct);
                uow.Publish(new MessageRead(read.Id, read.SenderId, read.ReceiverId));
                await uow.CommitAsync(ct);
            }
        }

        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(read, ct));
    }

    /// <summary>
    /// Checks every attachment (exists under the sender's own slot of kind message_attachment, at most
    /// 5 MiB, a JPEG, PNG or WebP by its first bytes) and answers one 400 naming each bad item; a file
    /// that fails is deleted, the good ones stay unattached (swept after 24 hours) for a corrected retry.
    /// </summary>
    private async Task<Result<IReadOnlyList<UploadedBlob>>> CheckAttachmentsAsync(Guid sender, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        const string Field = "attachment_ids";
        var files = new List<UploadedBlob>(ids.Count);
        var problems = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var file = await storage.CheckUploadAsync(MessagingFiles.MessageAttachment, sender, ids[i], Field, ct);
            if (file.IsSuccess)
            {
                files.Add(file.Value!);
            }
            else
            {
                problems.AddRange((file.Errors?.GetValueOrDefault(Field) ?? [file.Detail ?? "invalid"])
                    .Select(p => string.Create(CultureInfo.InvariantCulture, $"item {i}: {p}")));
            }
        }

        return problems.Count == 0
            ? files
            : new Failure(ResultKind.Invalid, "One or more fields are invalid.", new Dictionary<string, string[]> { [Field] = [.. problems] });
    }
}
