using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Notifications;

/// <summary>A user's own notifications: newest first (optionally only unread or only read), and marking one read.</summary>
public sealed class NotificationFunctions(IAuthenticator auth, INotificationStore notifications)
{
    [Function(nameof(ListNotifications))]
    public async Task<IActionResult> ListNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var unread = query.Flag("unread");
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await notifications.ListAsync(caller.UserId, unread, page, ct);
        var result = rows.ToPage(page.Limit, n => new Cursor(n.CreatedAt, n.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<NotificationView>(result.Items.Select(NotificationView.From).ToList(), result.NextCursor));
    }

    /// <summary>The owner marks a notification read (again: 200, unchanged); anyone else gets 404.</summary>
    [Function(nameof(MarkNotificationRead))]
    public async Task<IActionResult> MarkNotificationRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "notifications/{id}/read")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var notificationId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var row = await notifications.MarkReadAsync(caller.UserId, notificationId, ct);
        return row is null
            ? Problems.NotFound("No such notification.")
            : new ApiResponse(StatusCodes.Status200OK, NotificationView.From(row));
    }
}
