using System.Text.Json;
using Dapper;
using Platform.Data;

namespace Platform.Blobs;

/// <summary>
/// Where a service keeps the ordered files of one kind of parent: the table (schema-qualified) and the
/// column that names the parent. The table has <c>blob_id</c> (primary key: a file is attached once),
/// the parent column, <c>owner_id</c> (who uploaded it: the blob is <c>{owner}/{blob id}</c>),
/// <c>position</c>, <c>content_type</c> and <c>size_bytes</c>.
/// </summary>
public sealed record AttachmentTable(string Table, string ParentColumn)
{
    /// <summary>
    /// <paramref name="pageSql"/> (a select of parents with their <c>id</c>) with each parent's files in
    /// order as a JSON array in <c>images_json</c> (<c>[]</c> when none; read back with
    /// <see cref="AttachedFile.FromJson"/>), the rows ordered by <paramref name="orderBy"/> (columns of
    /// the page). One statement: the files of the whole page are found by one grouped probe of the
    /// parent index, so a page and its files cost one round trip, not two.
    /// </summary>
    public string WithFilesSql(string pageSql, string orderBy) =>
        $"with page as ({pageSql}) select page.*, coalesce(files.files_json, '[]') as images_json from page left join ("
        + $"select f.{ParentColumn} as files_parent, json_agg(json_build_object('blob_id', f.blob_id, 'owner_id', f.owner_id, 'position', f.position, "
        + $"'content_type', f.content_type, 'size_bytes', f.size_bytes) order by f.position) as files_json from {Table} f "
        + $"where f.{ParentColumn} in (select id from page) group by f.{ParentColumn}) files on files.files_parent = page.id order by {orderBy}";
}

/// <summary>An attached file: its blob is <c>{OwnerId}/{BlobId}</c> in its kind's container; <c>ParentId</c> is what it belongs to.</summary>
public sealed class AttachedFile
{
    public Guid BlobId { get; init; }

    public Guid ParentId { get; init; }

    public Guid OwnerId { get; init; }

    public int Position { get; init; }

    public string ContentType { get; init; } = string.Empty;

    public long SizeBytes { get; init; }

    /// <summary>The files of <paramref name="parentId"/> from the JSON array <see cref="AttachmentTable.WithFilesSql"/> selected.</summary>
    public static IReadOnlyList<AttachedFile> FromJson(Guid parentId, string json)
    {
        using var document = JsonDocument.Parse(json);
        var files = new List<AttachedFile>(document.RootElement.GetArrayLength());
        foreach (var file in document.RootElement.EnumerateArray())
        {
            files.Add(new AttachedFile
            {
                BlobId = file.GetProperty("blob_id").GetGuid(),
                ParentId = parentId,
                OwnerId = file.GetProperty("owner_id").GetGuid(),
                Position = file.GetProperty("position").GetInt32(),
                ContentType = file.GetProperty("content_type").GetString() ?? string.Empty,
                SizeBytes = file.GetProperty("size_bytes").GetInt64(),
            });
        }

        return files;
    }
}

/// <summary>The files attached to parents of one kind (photos of donations, images of campaigns, attachments of messages), in order.</summary>
public interface IOrderedAttachments
{
    /// <summary>The files of these parents, in order.</summary>
    Task<IReadOnlyList<AttachedFile>> ForParentsAsync(IReadOnlyCollection<Guid> parentIds, CancellationToken cancellationToken);

    /// <summary>The files of one parent inside a unit of work (the parent is locked by the caller).</summary>
    Task<IReadOnlyList<AttachedFile>> ForParentAsync(UnitOfWork uow, Guid parentId, CancellationToken cancellationToken);

    /// <summary>Appends a file at <paramref name="position"/>; false if the blob is attached already (to this or another parent).</summary>
    Task<bool> AppendAsync(UnitOfWork uow, Guid parentId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="keep"/> in that order and removes the parent's other files.</summary>
    Task ArrangeAsync(UnitOfWork uow, Guid parentId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken);
}

/// <summary>
/// The SQL of <see cref="IOrderedAttachments"/> for one <see cref="AttachmentTable"/>, and the sweeper's
/// question for it. A service derives a class per table so that each has its own registration.
/// </summary>
public class OrderedAttachmentStore(ServiceDatabase database, AttachmentTable table) : IOrderedAttachments, IBlobAttachments
{
    private readonly string _columns = $"blob_id, {table.ParentColumn} as parent_id, owner_id, position, content_type, size_bytes";

    public async Task<IReadOnlyList<AttachedFile>> ForParentsAsync(IReadOnlyCollection<Guid> parentIds, CancellationToken cancellationToken)
    {
        if (parentIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AttachedFile>(new CommandDefinition(
            $"select {_columns} from {table.Table} where {table.ParentColumn} = any(@ids) order by {table.ParentColumn}, position",
            new { ids = parentIds.ToArray() },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<AttachedFile>> ForParentAsync(UnitOfWork uow, Guid parentId, CancellationToken cancellationToken) =>
        [.. await uow.Connection.QueryAsync<AttachedFile>(new CommandDefinition(
            $"select {_columns} from {table.Table} where {table.ParentColumn} = @parentId order by position",
            new { parentId },
            uow.Transaction,
            cancellationToken: cancellationToken))];

    public async Task<bool> AppendAsync(UnitOfWork uow, Guid parentId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into {table.Table} (blob_id, {table.ParentColumn}, owner_id, position, content_type, size_bytes)
            values (@Id, @parentId, @ownerId, @position, @contentType, @Size)
            on conflict (blob_id) do nothing
            """,
            new { blob.Id, parentId, ownerId, position, contentType = blob.Type.MediaType, blob.Size },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task ArrangeAsync(UnitOfWork uow, Guid parentId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken)
    {
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"delete from {table.Table} where {table.ParentColumn} = @parentId and blob_id <> all(@keep)",
            new { parentId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            update {table.Table} i set position = k.ord - 1
              from unnest(@keep) with ordinality as k(blob_id, ord)
             where i.blob_id = k.blob_id and i.{table.ParentColumn} = @parentId
            """,
            new { parentId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>For the sweeper: which of these blobs are attached (to a parent deleted or not).</summary>
    public async Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"select blob_id from {table.Table} where blob_id = any(@ids)",
            new { ids = blobIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.ToHashSet();
    }
}
