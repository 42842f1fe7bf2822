using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace DonationService.Erasure;

/// <summary>
/// donation-service's own part of an erasure, after the profile and donations were erased in the
/// request's transaction: every file of the user (donation photos, verification documents, uploads
/// never attached) is deleted from storage, then the part is recorded. A storage outage fails the
/// handler, which retries and parks like any other; deleting again finds nothing.
/// </summary>
public sealed class ErasureRequestedHandler(BlobStorage storage, ErasureStore erasures, ILogger<ErasureRequestedHandler> logger) : IEventHandler<ProfileErasureRequested>
{
    public async Task HandleAsync(ProfileErasureRequested message, EventContext context, CancellationToken cancellationToken)
    {
        var deleted = await storage.DeleteOwnerAsync(message.UserId, cancellationToken);
        await erasures.RecordPartAsync(context.Work, message.UserId, ErasureParts.Donation, cancellationToken);
        logger.LogInformation("Erasure of {UserId}: {Count} files deleted", message.UserId, deleted);
    }
}

/// <summary>The saga's owner records each other service's answer.</summary>
public sealed class ErasureAnswerHandler(ErasureStore erasures, ILogger<ErasureAnswerHandler> logger) :
    IEventHandler<RequestUserErased>, IEventHandler<CampaignUserErased>, IEventHandler<MessageUserErased>
{
    public Task HandleAsync(RequestUserErased message, EventContext context, CancellationToken cancellationToken) =>
        RecordAsync(context, message.UserId, ErasureParts.Request, cancellationToken);

    public Task HandleAsync(CampaignUserErased message, EventContext context, CancellationToken cancellationToken) =>
        RecordAsync(context, message.UserId, ErasureParts.Campaign, cancellationToken);

    public Task HandleAsync(MessageUserErased message, EventContext context, CancellationToken cancellationToken) =>
        RecordAsync(context, message.UserId, ErasureParts.Messaging, cancellationToken);

    private async Task RecordAsync(EventContext context, Guid userId, string part, CancellationToken cancellationToken)
    {
        if (!await erasures.RecordPartAsync(context.Work, userId, part, cancellationToken))
        {
            logger.LogWarning("{Part} answered for the erasure of {UserId}, which was never started here; ignored", part, userId);
        }
    }
}
