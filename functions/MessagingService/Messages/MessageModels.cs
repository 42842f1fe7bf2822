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

    public Message LastMessage => new()
    {
        Id = Id, SenderId = SenderId, ReceiverId = ReceiverId, Content = Content,
        DonationId = DonationId, CampaignId = CampaignId, ReadAt = ReadAt, CreatedAt = CreatedAt,
    };
}

public sealed record MessageView(
    Guid Id, Guid SenderId, Guid ReceiverId, string Content, Guid? DonationId, Guid? CampaignId, DateTime? ReadAt, DateTime CreatedAt)
{
    public static MessageView From(Message m) => new(m.Id, m.SenderId, m.ReceiverId, m.Content, m.DonationId, m.CampaignId, m.ReadAt, m.CreatedAt);
}

public sealed record ConversationView(Guid PartnerId, MessageView LastMessage, long UnreadCount)
{
    public static ConversationView From(ConversationRow r) => new(r.PartnerId, MessageView.From(r.LastMessage), r.UnreadCount);
}

public sealed record SendMessageBody(string? ReceiverId, string? Content, string? DonationId, string? CampaignId);

/// <summary>A validated message to send.</summary>
public sealed record MessageDraft(Guid ReceiverId, string Content, Guid? DonationId, Guid? CampaignId);

/// <summary>A conversation with one user, optionally narrowed to a donation or a campaign.</summary>
public sealed record ConversationFilter(Guid With, Guid? DonationId, Guid? CampaignId);
