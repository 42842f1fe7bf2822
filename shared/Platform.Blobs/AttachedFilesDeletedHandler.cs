using Platform.Contracts;
using Platform.Eventing;

namespace Platform.Blobs;

/// <summary>
/// The files of a deleted parent go with it: a service consumes the event its deletion already
/// publishes (its own <c>donation.deleted</c>, <c>campaign.deleted</c>, ...) and deletes the blobs
/// still attached to the parent it names. Deleting a blob that is gone already is no error, so a
/// redelivery is harmless; a storage outage fails the handler, which retries and parks like any other.
/// </summary>
public abstract class AttachedFilesDeletedHandler<TEvent>(IOrderedAttachments files, BlobStorage storage, BlobKind kind) : IEventHandler<TEvent>
    where TEvent : IIntegrationEvent
{
    public async Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken)
    {
        foreach (var file in await files.ForParentAsync(context.Work, ParentOf(message), cancellationToken))
        {
            await storage.DeleteAsync(kind, file.OwnerId, file.BlobId, cancellationToken);
        }
    }

    /// <summary>The id of the deleted parent the event names.</summary>
    protected abstract Guid ParentOf(TEvent message);
}
