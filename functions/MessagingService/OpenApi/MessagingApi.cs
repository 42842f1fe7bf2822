using MessagingService.Messages;
using MessagingService.Notifications;
using MessagingService.Reports;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;

namespace MessagingService.OpenApi;

/// <summary>What messaging-service's OpenAPI document says about each function (API.md, DESIGN-NOTES.md; the rules of its bodies, queries and views are on their records).</summary>
public static class MessagingApi
{
    private const string Blocked = "The account is blocked.";

    public static readonly ApiDescription Description = new ApiDescription(
            MessagingServiceSetup.Name,
            "Messages between users, abuse reports and their moderation, and notifications from the platform's events.")
        .Tag("messages", "Messages between users, optionally about a donation or a campaign.")
        .Tag("reports", "Abuse reports about users, donations, campaigns or messages.")
        .Tag("notifications", "Notifications from the platform's events, per user.")
        .Operation("SendMessage", op => op.Tag("messages").User().RateLimit(RateClass.Messages)
            .Summary("Send a message to another user")
            .Body<SendMessageBody>().Idempotent()
            .Returns<MessageView>(201, location: true)
            .Error(403, Blocked))
        .Operation("ListMessages", op => op.Tag("messages").User()
            .Summary("The conversation with one user, oldest first")
            .Query<ConversationFilter>()
            .Paged().Returns<MessageView>())
        .Operation("ListConversations", op => op.Tag("messages").User()
            .Summary("One row per conversation partner, most recent first")
            .Paged().Returns<ConversationView>())
        .Operation("MarkMessageRead", op => op.Tag("messages").User()
            .Summary("Mark a received message read (again: 200, unchanged)")
            .Returns<MessageView>()
            .Error(403, "Only the receiver marks a message read."))
        .Operation("CreateReport", op => op.Tag("reports").User().RateLimit(RateClass.Reports)
            .Summary("Report a user, donation, campaign or message")
            .Body<CreateReportBody>().Idempotent()
            .Returns<ReportView>(201)
            .Error(403, Blocked)
            .Error(404, "No such message (only a party of a message can report it).")
            .Error(409, "The caller already has an open report about this target."))
        .Operation("ListReports", op => op.Tag("reports").User()
            .Summary("List reports, newest first: one's own; admins all")
            .Query<ReportFilter>()
            .Paged().Returns<ReportView>())
        .Operation("ResolveReport", op => op.Tag("admin").Admin()
            .Summary("Review or resolve a report, with an action")
            .Body<ResolveReportBody>()
            .Returns<ReportView>()
            .Error(409, "The report's status does not allow this; detail has the status."))
        .Operation("ListNotifications", op => op.Tag("notifications").User()
            .Summary("Own notifications, newest first")
            .Query<NotificationFilter>()
            .Paged().Returns<NotificationView>())
        .Operation("MarkNotificationRead", op => op.Tag("notifications").User()
            .Summary("Mark own notification read (again: 200, unchanged)")
            .Returns<NotificationView>());
}
