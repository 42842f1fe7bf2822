using MessagingService.Messages;
using Platform.Blobs;

namespace MessagingService.Files;

/// <summary>
/// Message views with their attachments as read URLs valid a few minutes, signed locally (no call to
/// storage). Only ever built for a party of the message (or an admin judging a report about it).
/// </summary>
public sealed class MessageViews(IMessageAttachmentStore attachments, BlobStorage storage)
{
    private static readonly BlobKind Kind = MessagingFiles.MessageAttachment;

    public async Task<MessageView> OneAsync(Message message, CancellationToken cancellationToken) =>
        (await ManyAsync([message], cancellationToken))[0];

    public async Task<IReadOnlyList<MessageView>> ManyAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        // Most messages carry no picture: a page of those costs no second query.
        Guid[] withFiles = [.. messages.Where(m => m.AttachmentCount > 0).Select(m => m.Id)];
        if (withFiles.Length == 0)
        {
            return [.. messages.Select(m => MessageView.From(m, []))];
        }

        var files = await storage.ByParentAsync(Kind, await attachments.ForParentsAsync(withFiles, cancellationToken), cancellationToken);
        return [.. messages.Select(m => MessageView.From(m, [.. files[m.Id]]))];
    }

    /// <summary>The view of a message just written in a transaction not committed yet, with the files checked for it.</summary>
    public async Task<MessageView> SentAsync(Message message, IReadOnlyList<UploadedBlob> files, CancellationToken cancellationToken)
    {
        var views = new List<FileView>(files.Count);
        foreach (var file in files)
        {
            views.Add(await storage.ViewAsync(Kind, message.SenderId, file.Id, file.Type.MediaType, cancellationToken));
        }

        return MessageView.From(message, views);
    }

    /// <summary>The conversations with their last messages' views (as a page of messages: no second query when none carries a picture).</summary>
    public async Task<IReadOnlyList<ConversationView>> ConversationsAsync(IReadOnlyList<ConversationRow> rows, CancellationToken cancellationToken)
    {
        var last = await ManyAsync([.. rows.Select(r => r.LastMessage)], cancellationToken);
        return [.. rows.Select((r, i) => new ConversationView(r.PartnerId, last[i], r.UnreadCount))];
    }
}
