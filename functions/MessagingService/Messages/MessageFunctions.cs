using MessagingService.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>Users send messages, read a conversation they are part of, and mark what they received read.</summary>
public sealed class MessageFunctions(
    HttpCalls http, ServiceDatabase database, IdempotentWrites writes, IMessageStore messages, INotificationStore notifications, BlockedUsers blocked)
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

        return await writes.ExecuteAsync(req, call.User.UserId, call.RawBody, async uow =>
        {
            if (await blocked.IsBlockedAsync(uow, call.User.UserId, ct))
            {
                return Problems.Forbidden("Your account is blocked.");
            }

            var message = await messages.InsertAsync(uow, call.User.UserId, call.Input.ToDraft(), ct);
            await notifications.AddAsync(uow, message.Id.ToString(), [Notices.MessageReceived(message)], ct);
            uow.Publish(new MessageSent(message.Id, message.SenderId, message.ReceiverId, message.DonationId, message.CampaignId));
            return Result.Created(MessageView.From(message)).ToResponse(m => $"/api/messages?with={m.ReceiverId}");
        }, ct);
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
        return new ApiResponse(StatusCodes.Status200OK, new Page<MessageView>(result.Items.Select(MessageView.From).ToList(), result.NextCursor));
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

        await using var uow = await database.BeginAsync(ct);
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
            return new ApiResponse(StatusCodes.Status200OK, MessageView.From(message));
        }

        var read = await messages.MarkReadAsync(uow, message.Id, ct);
        await notifications.MarkSourceReadAsync(uow, message.Id.ToString(), call.User.UserId, ct);
        uow.Publish(new MessageRead(read.Id, read.SenderId, read.ReceiverId));
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, MessageView.From(read));
    }
}
