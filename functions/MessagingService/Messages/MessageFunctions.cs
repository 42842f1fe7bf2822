using MessagingService.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>Users send messages, read a conversation they are part of, and mark what they received read.</summary>
public sealed class MessageFunctions(
    IAuthenticator auth, ServiceDatabase database, IdempotentWrites writes, IMessageStore messages, INotificationStore notifications, BlockedUsers blocked)
{
    [Function(nameof(SendMessage))]
    public async Task<IActionResult> SendMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<SendMessageBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var draft = MessageRules.ValidateSend(body.Value!, caller);
        if (!draft.IsSuccess)
        {
            return draft.ToResponse();
        }

        return await writes.ExecuteAsync(req, caller.UserId, body.Raw, async uow =>
        {
            if (await blocked.IsBlockedAsync(uow, caller.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var message = await messages.InsertAsync(uow, caller.UserId, draft.Value!, ct);
            await notifications.AddAsync(uow, message.Id.ToString(), [Notices.MessageReceived(message)], ct);
            uow.Publish(new MessageSent(message.Id, message.SenderId, message.ReceiverId, message.DonationId, message.CampaignId));
            return Result.Created(MessageView.From(message)).ToResponse(m => $"/api/messages?with={m.ReceiverId}");
        }, ct);
    }

    [Function(nameof(ListMessages))]
    public async Task<IActionResult> ListMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var filter = MessageRules.ReadConversationQuery(query, validation, caller);
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await messages.ListConversationAsync(caller.UserId, filter!, page, ct);
        var result = rows.ToPage(page.Limit, m => new Cursor(m.CreatedAt, m.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<MessageView>(result.Items.Select(MessageView.From).ToList(), result.NextCursor));
    }

    /// <summary>The receiver marks a message read (again: 200, unchanged); message.read is published once.</summary>
    [Function(nameof(MarkMessageRead))]
    public async Task<IActionResult> MarkMessageRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages/{id}/read")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var messageId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        await using var uow = await database.BeginAsync(ct);
        var message = await messages.LockAsync(uow, messageId, ct);
        if (message is null)
        {
            return Problems.NotFound("No such message.");
        }

        if (MessageRules.CanMarkRead(message, caller) is { } refused)
        {
            return refused.ToResponse();
        }

        if (message.ReadAt is not null)
        {
            return new ApiResponse(StatusCodes.Status200OK, MessageView.From(message));
        }

        var read = await messages.MarkReadAsync(uow, message.Id, ct);
        await notifications.MarkSourceReadAsync(uow, message.Id.ToString(), caller.UserId, ct);
        uow.Publish(new MessageRead(read.Id, read.SenderId, read.ReceiverId));
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, MessageView.From(read));
    }
}
