using Dapper;
using Platform.Blobs;
using Platform.Data;

namespace MessagingService.Files;

/// <summary>The attachments of messages (<c>messaging.message_attachments</c>), in order; the owner is the sender.</summary>
public interface IMessageAttachmentStore : IOrderedAttachments
{
    /// <summary>Forgets the rows of a removed message once its blobs are deleted.</summary>
    Task ForgetAsync(UnitOfWork uow, Guid messageId, CancellationToken cancellationToken);
}

public sealed class MessageAttachmentStore(ServiceDatabase database)
    : OrderedAttachmentStore(database, new AttachmentTable("messaging.message_attachments", "message_id")), IMessageAttachmentStore
{
    public Task ForgetAsync(UnitOfWork uow, Guid messageId, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            "delete from messaging.message_attachments where message_id = @messageId", new { messageId }, uow.Transaction, cancellationToken: cancellationToken));
}
