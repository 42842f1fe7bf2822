using System.ComponentModel;
using MessagingService.Files;
using Platform.Blobs;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>A messages row.</summary>
public sealed class Message
{
    public Guid Id { get; init; }

    public Guid SenderId { get; init; }

    public Guid ReceiverId { get; init; }

    public string Content { get; init; } = string.Empty;

    public Guid? DonationId { get; init; }

    public Guid? CampaignId { get; init; }

    public DateTime? ReadAt { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>How many pictures were sent with it: a page without any is shown without asking for attachments.</summary>
    public short AttachmentCount { get; init; }
}

/// <summary>The last message of a conversation with one partner, and how many of theirs are unread.</summary>
public sealed class ConversationRow
{
    public Guid PartnerId { get; init; }

    public long UnreadCount { get; init; }

    public Guid Id { get; init; }

    public Guid SenderId { get; init; }

    public Guid ReceiverId { get; init; }

    public string Content { get; init; } = string.Empty;

    public Guid? DonationId { get; init; }

    public Guid? CampaignId { get; init; }

    public DateTime? ReadAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public short AttachmentCount { get; init; }

    public Message LastMessage => new()
    {
        Id = Id, SenderId = SenderId, ReceiverId = ReceiverId, Content = Content,
        DonationId = DonationId, CampaignId = CampaignId, ReadAt = ReadAt, CreatedAt = CreatedAt, AttachmentCount = AttachmentCount,
    };
}

public sealed record MessageView(
    Guid Id,
    Guid SenderId,
    Guid ReceiverId,
    string Content,
    Guid? DonationId,
    Guid? CampaignId,
    DateTime? ReadAt,
    DateTime CreatedAt,
    [property: Description("Pictures sent with the message, in order; each url is a read-only link valid 10 minutes (ask for the message again for fresh ones).")]
    IReadOnlyList<FileView> Attachments)
{
    public static MessageView From(Message m, IReadOnlyList<FileView> attachments) =>
        new(m.Id, m.SenderId, m.ReceiverId, m.Content, m.DonationId, m.CampaignId, m.ReadAt, m.CreatedAt, attachments);
}

public sealed record ConversationView(Guid PartnerId, MessageView LastMessage, long UnreadCount);

/// <summary>A message goes to another user, about one donation or one campaign at most.</summary>
public sealed record SendMessageBody(
    [property: Required, Uuid] string? ReceiverId,
    [property: Required, Text(1, MessageRules.MaxContent)] string? Content,
    [property: Uuid] string? DonationId,
    [property: Uuid, Description("A message is about a donation or a campaign, not both.")] string? CampaignId,
    [property: UuidList(0, MessagingFiles.MaxAttachmentsPerMessage), Description("Up to 3 pictures to send with the message, in order: blob_ids of upload slots of kind message_attachment (POST /api/uploads) whose file was PUT.")]
    IReadOnlyList<string>? AttachmentIds)
    : ICheckedInput
{
    /// <summary>Ids that failed their own rule are still raw text here: only parsed ones are compared.</summary>
    public void Check(Validation validation, Caller? caller)
    {
        if (caller is not null && Ids.TryParse(ReceiverId, out var receiverId) && receiverId == caller.UserId)
        {
            validation.Add("receiver_id", "must be another user: you cannot message yourself");
        }

        if (Ids.TryParse(DonationId, out _) && Ids.TryParse(CampaignId, out _))
        {
            validation.Add("campaign_id", "a message is about a donation or a campaign, not both");
        }
    }

    /// <summary>The checked attachment ids, in order (none when absent).</summary>
    public IReadOnlyList<Guid> ToAttachmentIds() => AttachmentIds is null ? [] : [.. AttachmentIds.Select(Guid.Parse)];

    /// <summary>The checked message.</summary>
    public MessageDraft ToDraft() => new(Guid.Parse(ReceiverId!), Content!, Id(DonationId), Id(CampaignId), (short)(AttachmentIds?.Count ?? 0));

    private static Guid? Id(string? text) => text is null ? null : Guid.Parse(text);
}

/// <summary>A validated message to send.</summary>
public sealed record MessageDraft(Guid ReceiverId, string Content, Guid? DonationId, Guid? CampaignId, short AttachmentCount);

/// <summary>The conversation query: <c>with</c> another user (required), optionally narrowed to a donation or a campaign.</summary>
public sealed record ConversationFilter(
    [property: Required(Because = "the id of the other user of the conversation"), Description("The other user of the conversation.")] Guid? With,
    [property: Description("Only messages about this donation.")] Guid? DonationId,
    [property: Description("Only messages about this campaign.")] Guid? CampaignId)
    : ICheckedInput
{
    public void Check(Validation validation, Caller? caller)
    {
        if (caller is not null && With == caller.UserId)
        {
            validation.Add("with", "must be another user");
        }
    }
}
