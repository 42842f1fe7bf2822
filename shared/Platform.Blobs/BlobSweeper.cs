using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Blobs;

/// <summary>What a service answers the sweeper: which of these blobs of a kind are attached to something.</summary>
public interface IBlobAttachments
{
    Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken);
}

/// <summary>
/// Deletes uploads never attached: blobs of the service's kinds older than
/// <see cref="BlobStorageOptions.SweepAfter"/> that carry no "attached" mark and that the service's
/// database does not know either (blobs it does know get the mark, so they are not asked about again).
/// Runs in every hosting mode, like the retention sweeper.
/// </summary>
public sealed class BlobSweeper(BlobStorage storage, IBlobAttachments attachments, ILogger<BlobSweeper> logger)
{
    private const int BatchSize = 100;

    /// <summary>Sweeps blobs created before <paramref name="createdBefore"/> (only <paramref name="owner"/>'s when given); returns how many were deleted.</summary>
    public async Task<int> SweepAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken, Guid? owner = null)
    {
        var deleted = 0;
        foreach (var kind in storage.Kinds)
        {
            var batch = new List<(Guid Owner, Guid Id)>();
            var options = new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = owner is { } only ? $"{only:D}/" : null };
            await foreach (var item in storage.Container(kind).GetBlobsAsync(options, cancellationToken))
            {
                if (item.Metadata.ContainsKey(BlobStorage.AttachedMetadata)
                    || item.Properties.CreatedOn is not { } created || created >= createdBefore
                    || !BlobStorage.TryParseName(item.Name, out var blobOwner, out var id))
                {
                    continue;
                }

                batch.Add((blobOwner, id));
                if (batch.Count == BatchSize)
                {
                    deleted += await SweepBatchAsync(kind, batch, cancellationToken);
                    batch.Clear();
                }
            }

            deleted += await SweepBatchAsync(kind, batch, cancellationToken);
        }

        if (deleted > 0)
        {
            logger.LogInformation("Blob sweep deleted {Count} uploads never attached", deleted);
        }

        return deleted;
    }

    private async Task<int> SweepBatchAsync(BlobKind kind, List<(Guid Owner, Guid Id)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var attached = await attachments.FindAttachedAsync(kind, [.. batch.Select(b => b.Id)], cancellationToken);
        var deleted = 0;
        foreach (var (owner, id) in batch)
        {
            if (attached.Contains(id))
            {
                await storage.MarkAttachedAsync(kind, owner, id, cancellationToken);
            }
            else
            {
                await storage.DeleteAsync(kind, owner, id, cancellationToken);
                deleted++;
            }
        }

        return deleted;
    }
}

/// <summary>Runs the <see cref="BlobSweeper"/> every <see cref="BlobStorageOptions.SweepInterval"/>, the first time <see cref="BlobStorageOptions.FirstSweepDelay"/> after start.</summary>
internal sealed class BlobSweeperService(BlobSweeper sweeper, BlobStorage storage, TimeProvider time, ILogger<BlobSweeperService> logger)
    : PeriodicWork(time, logger)
{
    protected override TimeSpan Interval => storage.Options.SweepInterval;

    protected override TimeSpan FirstDelay => storage.Options.FirstSweepDelay;

    protected override bool Enabled => storage.Options.IsConfigured;

    protected override string Description => "Blob sweep";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        sweeper.SweepAsync(Time.GetUtcNow() - storage.Options.SweepAfter, cancellationToken);
}
