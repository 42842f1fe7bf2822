using Dapper;
using Platform.Blobs;
using Platform.Data;

namespace DonationService.Files;

/// <summary>The documents attached to users' verification requests.</summary>
public interface IVerificationDocumentStore
{
    /// <summary>The documents of these profiles, in order.</summary>
    Task<IReadOnlyList<VerificationDocument>> ForProfilesAsync(IReadOnlyCollection<Guid> profileIds, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the profile's documents by <paramref name="documents"/> (in that order) inside the
    /// caller's unit of work (the profile is locked by the caller); returns the documents it had.
    /// </summary>
    Task<IReadOnlyList<VerificationDocument>> ReplaceAsync(UnitOfWork uow, Guid profileId, IReadOnlyList<UploadedBlob> documents, CancellationToken cancellationToken);
}

public sealed class VerificationDocumentStore(ServiceDatabase database) : IVerificationDocumentStore, IBlobAttachments
{
    private const string Columns = "blob_id, profile_id, position, content_type, size_bytes";

    public async Task<IReadOnlyList<VerificationDocument>> ForProfilesAsync(IReadOnlyCollection<Guid> profileIds, CancellationToken cancellationToken)
    {
        if (profileIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<VerificationDocument>(new CommandDefinition(
            $"select {Columns} from donation.verification_documents where profile_id = any(@ids) order by profile_id, position",
            new { ids = profileIds.ToArray() },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<VerificationDocument>> ReplaceAsync(
        UnitOfWork uow, Guid profileId, IReadOnlyList<UploadedBlob> documents, CancellationToken cancellationToken)
    {
        var previous = await uow.Connection.QueryAsync<VerificationDocument>(new CommandDefinition(
            $"delete from donation.verification_documents where profile_id = @profileId returning {Columns}",
            new { profileId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        for (var i = 0; i < documents.Count; i++)
        {
            // The blob's name holds the caller's id, so the primary key cannot meet another profile's row.
            await uow.Connection.ExecuteAsync(new CommandDefinition(
                """
                insert into donation.verification_documents (blob_id, profile_id, position, content_type, size_bytes)
                values (@Id, @profileId, @position, @contentType, @Size)
                """,
                new { documents[i].Id, profileId, position = i, contentType = documents[i].Type.MediaType, documents[i].Size },
                uow.Transaction,
                cancellationToken: cancellationToken));
        }

        return [.. previous.OrderBy(d => d.Position)];
    }

    /// <summary>For the sweeper: which of these blobs are a profile's verification documents.</summary>
    public async Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            "select blob_id from donation.verification_documents where blob_id = any(@ids)",
            new { ids = blobIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.ToHashSet();
    }
}

/// <summary>A verification document row; its blob is <c>{profile id}/{blob id}</c>.</summary>
public sealed class VerificationDocument
{
    public Guid BlobId { get; init; }

    public Guid ProfileId { get; init; }

    public int Position { get; init; }

    public string ContentType { get; init; } = string.Empty;

    public long SizeBytes { get; init; }
}

/// <summary>donation-service's answer to the sweeper: each kind asks its own table.</summary>
public sealed class DonationAttachments(DonationImageStore images, VerificationDocumentStore documents) : IBlobAttachments
{
    public Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken) =>
        kind == DonationFiles.VerificationDocument
            ? documents.FindAttachedAsync(kind, blobIds, cancellationToken)
            : images.FindAttachedAsync(kind, blobIds, cancellationToken);
}
