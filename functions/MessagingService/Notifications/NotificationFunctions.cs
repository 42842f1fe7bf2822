using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Http;

namespace MessagingService.Notifications;

/// <summary>A user's own notifications: newest first (optionally only unread or only read), and marking one read.</summary>
public sealed class NotificationFunctions(HttpCalls http, INotificationStore notifications)
{
    [Function(nameof(ListNotifications))]
    public async Task<IActionResult> ListNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<NotificationFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await notifications.ListAsync(call.User.UserId, call.Input.Unread, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, n => new Cursor(n.CreatedAt, n.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<NotificationView>(result.Items.Select(NotificationView.From).ToList(), result.NextCursor));
    }

    /// <summary>The owner marks a notification read (again: 200, unchanged); anyone else gets 404.</summary>
    [Function(nameof(MarkNotificationRead))]
    public async Task<IActionResult> MarkNotificationRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "notifications/{id}/read")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var row = await notifications.MarkReadAsync(call.User.UserId, call.Id, ct);
        return row is null
            ? Problems.NotFound("No such notification.")
            : new ApiResponse(StatusCodes.Status200OK, NotificationView.From(row));
    }
}
