using MessagingService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>The caller's conversations: one row per partner, the most recent first, with the last message and the unread count.</summary>
public sealed class ConversationFunctions(HttpCalls http, IMessageStore messages, MessageViews views)
{
    [Function(nameof(ListConversations))]
    public async Task<IActionResult> ListConversations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await messages.ListConversationsAsync(call.User.UserId, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ConversationView>(await views.ConversationsAsync(result.Items, ct), result.NextCursor));
    }
}
