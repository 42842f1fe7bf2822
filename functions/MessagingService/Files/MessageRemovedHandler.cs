using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace MessagingService.Files;

/// <summary>
/// A removed message loses its attachments: messaging-service consumes its own <c>message.removed</c>,
/// deletes the blobs and then the rows, in the handler's transaction. A redelivery finds no rows (or
/// blobs already gone, which is no error); a storage outage retries the event.
/// </summary>
public sealed class MessageRemovedHandler(IMessageAttachmentStore attachments, BlobStorage storage) : IEventHandler<MessageRemoved>
{
    public async Task HandleAsync(MessageRemoved message, EventContext context, CancellationToken cancellationToken)
    {
        foreach (var file in await attachments.ForParentAsync(context.Work, message.MessageId, cancellationToken))
        {
            await storage.DeleteAsync(MessagingFiles.MessageAttachment, file.OwnerId, file.BlobId, cancellationToken);
        }

        await attachments.ForgetAsync(context.Work, message.MessageId, cancellationToken);
    }
}
