using Dapper;
using Platform.Blobs;
using Platform.Data;

namespace DonationService.Files;

/// <summary>The attached images of donations.</summary>
public interface IDonationImageStore
{
    /// <summary>The images of these donations, in order.</summary>
    Task<IReadOnlyList<DonationImage>> ForDonationsAsync(IReadOnlyCollection<Guid> donationIds, CancellationToken cancellationToken);

    /// <summary>The images of one donation inside a unit of work (the donation is locked by the caller).</summary>
    Task<IReadOnlyList<DonationImage>> ForDonationAsync(UnitOfWork uow, Guid donationId, CancellationToken cancellationToken);

    /// <summary>Appends an image; false if the blob is attached already (to this or another donation).</summary>
    Task<bool> AppendAsync(UnitOfWork uow, Guid donationId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="keep"/> in that order and removes the donation's other images.</summary>
    Task ArrangeAsync(UnitOfWork uow, Guid donationId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken);
}

public sealed class DonationImageStore(ServiceDatabase database) : IDonationImageStore, IBlobAttachments
{
    private const string Columns = "blob_id, donation_id, owner_id, position, content_type, size_bytes";

    public async Task<IReadOnlyList<DonationImage>> ForDonationsAsync(IReadOnlyCollection<Guid> donationIds, CancellationToken cancellationToken)
    {
        if (donationIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DonationImage>(new CommandDefinition(
            $"select {Columns} from donation.donation_images where donation_id = any(@ids) order by donation_id, position",
            new { ids = donationIds.ToArray() },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<DonationImage>> ForDonationAsync(UnitOfWork uow, Guid donationId, CancellationToken cancellationToken) =>
        [.. await uow.Connection.QueryAsync<DonationImage>(new CommandDefinition(
            $"select {Columns} from donation.donation_images where donation_id = @donationId order by position",
            new { donationId },
            uow.Transaction,
            cancellationToken: cancellationToken))];

    public async Task<bool> AppendAsync(UnitOfWork uow, Guid donationId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into donation.donation_images (blob_id, donation_id, owner_id, position, content_type, size_bytes)
            values (@Id, @donationId, @ownerId, @position, @contentType, @Size)
            on conflict (blob_id) do nothing
            """,
            new { blob.Id, donationId, ownerId, position, contentType = blob.Type.MediaType, blob.Size },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task ArrangeAsync(UnitOfWork uow, Guid donationId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken)
    {
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            "delete from donation.donation_images where donation_id = @donationId and blob_id <> all(@keep)",
            new { donationId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update donation.donation_images i set position = k.ord - 1
              from unnest(@keep) with ordinality as k(blob_id, ord)
             where i.blob_id = k.blob_id and i.donation_id = @donationId
            """,
            new { donationId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>For the sweeper: which of these blobs are attached to a donation (deleted or not).</summary>
    public async Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            "select blob_id from donation.donation_images where blob_id = any(@ids)",
            new { ids = blobIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.ToHashSet();
    }
}
