using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>The caller's conversations: one row per partner, the most recent first, with the last message and the unread count.</summary>
public sealed class ConversationFunctions(IAuthenticator auth, IMessageStore messages)
{
    [Function(nameof(ListConversations))]
    public async Task<IActionResult> ListConversations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var validation = new Validation();
        var page = new QueryReader(req, validation).Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await messages.ListConversationsAsync(caller.UserId, page, ct);
        var result = rows.ToPage(page.Limit, r => new Cursor(r.CreatedAt, r.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ConversationView>(result.Items.Select(ConversationView.From).ToList(), result.NextCursor));
    }
}
