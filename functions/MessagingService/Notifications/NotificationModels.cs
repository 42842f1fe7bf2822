using System.ComponentModel;
using System.Text.Json;
using Platform.Hosting.Http;

namespace MessagingService.Notifications;

/// <summary>A notification to create: who gets it, what it says, and the ids a frontend links to (snake_case keys).</summary>
public sealed record Notice(Guid UserId, string Type, string Title, string? Body, IReadOnlyDictionary<string, object?> Data);

/// <summary>A donation or campaign and its owner, as an event told messaging.</summary>
public sealed record OwnedTarget(string TargetType, Guid TargetId, Guid OwnerId);

/// <summary>A notifications row.</summary>
public sealed class NotificationRow
{
    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public string Type { get; init; } = string.Empty;

    public string Title { get; init; } = string.Empty;

    public string? Body { get; init; }

    /// <summary>The jsonb <c>data</c> as text.</summary>
    public string Data { get; init; } = "{}";

    public DateTime? ReadAt { get; init; }

    public DateTime CreatedAt { get; init; }
}

public sealed record NotificationView(
    Guid Id,
    Guid UserId,
    string Type,
    string Title,
    string? Body,
    [property: AnyObject, Description("What the notification is about, by its type: ids such as message_id, sender_id, donation_id or campaign_id, and values such as amounts.")] JsonElement Data,
    DateTime? ReadAt,
    DateTime CreatedAt)
{
    public static NotificationView From(NotificationRow r)
    {
        using var data = JsonDocument.Parse(r.Data);
        return new(r.Id, r.UserId, r.Type, r.Title, r.Body, data.RootElement.Clone(), r.ReadAt, r.CreatedAt);
    }
}

/// <summary>The list query.</summary>
public sealed record NotificationFilter([property: Description("true: only unread; false: only read.")] bool? Unread);
