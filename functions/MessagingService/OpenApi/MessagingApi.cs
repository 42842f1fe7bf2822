using MessagingService.Files;
using MessagingService.Messages;
using MessagingService.Notifications;
using MessagingService.Reports;
using MessagingService.Stats;
using Platform.Blobs;
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
        .Tag("blocks", "Users block other users: no more messages or requests from them.")
        .Tag("reports", "Abuse reports about users, donations, campaigns or messages.")
        .Tag("notifications", "Notifications from the platform's events, per user.")
        .Tag("files", "Pictures uploaded straight to blob storage (upload slots), then sent with a message.")
        .Operation("SendMessage", op => op.Tag("messages").User().RateLimit(RateClass.Messages)
            .Summary("Send a message to another user, optionally with up to 3 pictures")
            .Describe("attachment_ids (optional, in order) are blob_ids of message_attachment upload slots (POST /api/uploads) whose file was PUT. "
                + "Each must have been uploaded by the caller with such a slot, be at most 5 MiB and start like a JPEG, PNG or WebP file "
                + "(its name and declared type do not count); a file that fails is deleted, and the answer is 400 with errors.attachment_ids naming "
                + "each bad item. Nothing is sent then. The view's attachments carry read-only URLs valid 10 minutes.")
            .Body<SendMessageBody>().Idempotent()
            .Returns<MessageView>(201, location: true)
            .Error(403, Blocked + " Or the receiver does not accept messages from the caller (the receiver blocked them).")
            .Error(404, "receiver_id is not a user of the platform.")
            .Error(409, "An attachment is already attached to a message, or the caller blocked the receiver: nothing was sent.")
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("GetMessage", op => op.Tag("messages").User()
            .Summary("One message with fresh attachment URLs: to its two parties, and to admins while it is reported")
            .Describe("Everyone else gets 404, as for a message that does not exist. Admins see a message only while a report about it exists "
                + "(to judge it); they do not browse conversations.")
            .Returns<MessageView>())
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
        .Operation("BlockUser", op => op.Tag("blocks").User()
            .Summary("Block a user: they can no longer message the caller nor request the caller's donations (again: 200, unchanged)")
            .Describe("The block is private: the blocked user is not told, and only sees that the caller does not accept their messages (403) or requests (403) "
                + "when they try. The caller cannot message a user they block either (409) until they unblock them. Publishes user.blocked; "
                + "request-service refuses requests from then on. Conversations stay readable by both.")
            .Returns<BlockView>()
            .Error(400, "The id is the caller's own.")
            .Error(404, "No such user."))
        .Operation("UnblockUser", op => op.Tag("blocks").User()
            .Summary("Lift a block (also 204 when there was none)")
            .ReturnsNothing())
        .Operation("ListBlocks", op => op.Tag("blocks").User()
            .Summary("The users the caller blocks, most recently blocked first")
            .Paged().Returns<BlockView>())
        .Operation("CreateReport", op => op.Tag("reports").User().RateLimit(RateClass.Reports)
            .Summary("Report a user, donation, campaign, message or request")
            .Describe("A report about a message or a request is filed by one of its parties and is about the other one (the user block_user blocks); "
                + "someone who is not a party gets 404. A request messaging has not heard of yet is accepted without a subject, which is looked up again when an admin resolves it.")
            .Body<CreateReportBody>().Idempotent()
            .Returns<ReportView>(201)
            .Error(403, Blocked)
            .Error(404, "No such message or request (only a party of a message or request can report it).")
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
        .Operation("CreateUpload", op => op.Tag("files").User()
            .Summary("An upload slot: a short-lived URL to PUT one message picture straight to storage")
            .Describe("The slot's upload_url is a create-only SAS URL for one new blob, valid for 10 minutes; PUT the file's bytes to it with the headers listed, "
                + "then send it with a message (attachment_ids). The services never carry the bytes. Kind here: message_attachment (anyone signed in "
                + "who is not blocked; JPEG, PNG or WebP, at most 5 MiB, private: read URLs only for the two parties). Other kinds are issued by the "
                + "service that owns them (donation-service, campaign-service). Uploads never sent are deleted after 24 hours.")
            .Body<UploadBody>()
            .Returns<UploadSlotView>(201)
            .Error(403, Blocked)
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("GetMessagingStats", op => op.Tag("admin").Admin()
            .Summary("Admin dashboard: open reports, reports by status, messages and reports per day for the last 30 days")
            .Describe("Counts over the whole tables, read from indexes: cheap enough to call every few seconds. Days are UTC calendar days, the last 30 "
                + "(today included, so today's counts grow), oldest first; a day without rows counts 0.")
            .Returns<MessagingStatsView>())
        .Operation("ListNotifications", op => op.Tag("notifications").User()
            .Summary("Own notifications, newest first")
            .Query<NotificationFilter>()
            .Paged().Returns<NotificationView>())
        .Operation("MarkNotificationRead", op => op.Tag("notifications").User()
            .Summary("Mark own notification read (again: 200, unchanged)")
            .Returns<NotificationView>());
}
