using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace Platform.Blobs;

/// <summary>
/// The thing ordered files are attached to (a donation, a campaign), as the attach and arrange routes
/// need it: found, locked, who may change its files, and its view.
/// </summary>
public interface IFileParent<TParent>
    where TParent : class
{
    /// <summary>The parent outside a transaction (the early check before storage is asked), or null.</summary>
    Task<TParent?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The parent locked for update in <paramref name="uow"/>, or null.</summary>
    Task<TParent?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Why <paramref name="user"/> may not change its files (404, 403, 409), or null; <paramref name="uow"/> is null outside the transaction.</summary>
    Task<Failure?> CanEditFilesAsync(UnitOfWork? uow, TParent parent, Caller user, CancellationToken cancellationToken);

    /// <summary>The view answered after a change.</summary>
    Task<object> ViewAsync(TParent parent, Caller user, CancellationToken cancellationToken);

    /// <summary>
    /// What attaching a new file does to the parent, in the attach's transaction (a new photo of an approved
    /// item sends it back to review); the parent as it now is.
    /// </summary>
    Task<TParent> FileAttachedAsync(UnitOfWork uow, TParent parent, CancellationToken cancellationToken) => Task.FromResult(parent);
}

/// <summary>
/// How many files of which kind a parent holds, and the words of the answers: <paramref name="Noun"/>
/// ("donation"), <paramref name="Route"/> ("/api/donations/{id}/images"), <paramref name="ListField"/>
/// (the arrange body's list, "image_ids").
/// </summary>
public sealed record OrderedFileRules(BlobKind Kind, int Max, string Noun, string Route, string ListField = "image_ids");

/// <summary>
/// The attach and arrange steps of ordered files (donation photos, campaign images), once: who may is
/// decided before storage is asked (a stranger learns nothing about blobs) and again under the parent's
/// lock; the blob is checked; the count and "attached once" (primary key, 409) are enforced; the row is
/// committed and the blob marked attached. Arranging keeps and orders the ids sent and deletes the
/// others' blobs after the commit (a failure then leaves an orphan blob, never a broken image).
/// </summary>
public sealed class OrderedFileRoutes<TParent>(
    ServiceDatabase database, BlobStorage storage, IOrderedAttachments files, IFileParent<TParent> parents, OrderedFileRules rules, ILogger logger)
    where TParent : class
{
    private string NoSuch => $"No such {rules.Noun}.";

    /// <summary>POST {route} with a blob id: appends the checked upload last; 200 with the parent's view.</summary>
    public async Task<IActionResult> AttachAsync(Caller user, Guid parentId, Guid blobId, string field, CancellationToken ct)
    {
        var current = await parents.FindAsync(parentId, ct);
        if (current is null)
        {
            return Problems.NotFound(NoSuch);
        }

        if (await parents.CanEditFilesAsync(null, current, user, ct) is { } early)
        {
            return early.ToResponse();
        }

        var checkedBlob = await storage.CheckUploadAsync(rules.Kind, user.UserId, blobId, field, ct);
        if (!checkedBlob.IsSuccess)
        {
            return checkedBlob.ToResponse();
        }

        await using var uow = await database.BeginAsync(ct);
        var (parent, attached, refused) = await LockForEditAsync(uow, user, parentId, ct);
        if (refused is not null)
        {
            return refused;
        }

        if (attached.Count >= rules.Max)
        {
            return Problems.Conflict(string.Create(CultureInfo.InvariantCulture,
                $"A {rules.Noun} has at most {rules.Max} images; detach one first (PUT {rules.Route})."));
        }

        if (!await files.AppendAsync(uow, parentId, user.UserId, checkedBlob.Value!, attached.Count, ct))
        {
            return Problems.Conflict("This file is already attached; upload it again to use it twice.");
        }

        parent = await parents.FileAttachedAsync(uow, parent!, ct);
        await uow.CommitAsync(ct);
        await storage.MarkAttachedAsync(rules.Kind, user.UserId, checkedBlob.Value!.Id, ct);
        return new ApiResponse(StatusCodes.Status200OK, await parents.ViewAsync(parent!, user, ct));
    }

    /// <summary>PUT {route} with the ids to keep, in order: detaches (and deletes) the others; 200 with the parent's view.</summary>
    public async Task<IActionResult> ArrangeAsync(Caller user, Guid parentId, IReadOnlyList<Guid> keep, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(ct);
        var (parent, attached, refused) = await LockForEditAsync(uow, user, parentId, ct);
        if (refused is not null)
        {
            return refused;
        }

        var unknown = keep.Select((id, i) => (id, i)).Where(k => attached.All(a => a.BlobId != k.id)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation(rules.ListField, string.Create(CultureInfo.InvariantCulture,
                $"item {unknown[0].i} is not an image of this {rules.Noun} (attach it first with POST {rules.Route})"));
        }

        await files.ArrangeAsync(uow, parentId, keep, ct);
        await uow.CommitAsync(ct);
        await DeleteAfterCommitAsync(attached.Where(a => !keep.Contains(a.BlobId)), parentId, ct);
        return new ApiResponse(StatusCodes.Status200OK, await parents.ViewAsync(parent!, user, ct));
    }

    /// <summary>The parent locked and its files, or why the caller may not change them (404, 403, 409).</summary>
    private async Task<(TParent? Parent, IReadOnlyList<AttachedFile> Files, ApiResponse? Refused)> LockForEditAsync(
        UnitOfWork uow, Caller user, Guid parentId, CancellationToken ct)
    {
        var parent = await parents.LockAsync(uow, parentId, ct);
        if (parent is null)
        {
            return (null, [], Problems.NotFound(NoSuch));
        }

        if (await parents.CanEditFilesAsync(uow, parent, user, ct) is { } refused)
        {
            return (parent, [], refused.ToResponse());
        }

        return (parent, await files.ForParentAsync(uow, parentId, ct), null);
    }

    private async Task DeleteAfterCommitAsync(IEnumerable<AttachedFile> removed, Guid parentId, CancellationToken ct)
    {
        foreach (var file in removed)
        {
            try
            {
                await storage.DeleteAsync(rules.Kind, file.OwnerId, file.BlobId, ct);
            }
            catch (Exception ex) when (BlobSetup.IsTransient(ex))
            {
                logger.LogWarning(ex, "Detached file {BlobId} of {Parent} {ParentId} could not be deleted", file.BlobId, rules.Noun, parentId);
            }
        }
    }
}
